import { describe, expect, it } from 'vitest';
import type { EcowattDay } from '../../../src/query/types.js';
import { readState, toStoredState } from '../../../src/destinations/victoriametrics/state.js';
import { markEcowattSent, markTempoSent } from '../../../src/engines/timeseries-backfill/state.js';

const day = (date: string, levels: number[]): EcowattDay => ({
  date,
  generatedAt: new Date(0),
  level: Math.max(...levels),
  message: null,
  hourlyValues: levels.map((hvalue, pas) => ({ pas, hvalue })),
});

describe('state', () => {
  it('reads anything unreadable as never sent', () => {
    const state = readState({
      backfilled: 'x',
      tempo: [1],
      ecowatt: null,
      counters: 5,
      fingerprints: { a: 3 },
    });
    expect(state).toEqual({
      backfilled: [],
      progress: {},
      resumeSince: null,
      tempo: {},
      ecowatt: {},
      fingerprints: { a: {} },
      counters: { passes: {}, records: {} },
    });
  });

  it('survives a JSON round trip', () => {
    const state = readState({});
    markTempoSent(state.tempo, { date: '2024-02-29', color: 'RED' });
    markEcowattSent(state.ecowatt, day('2024-02-01', Array(24).fill(1)));
    state.backfilled.push('1:consumption_daily', '1:consumption_daily');
    state.progress['1:consumption_detailed'] = '2024-01-31';
    state.resumeSince = '2024-02-01T00:00:00.000Z';
    const again = readState(JSON.parse(JSON.stringify(toStoredState(state))) as Record<string, unknown>);
    expect(again).toEqual({ ...state, backfilled: ['1:consumption_daily'] });
  });
});
