import { describe, expect, it } from 'vitest';
import type { EcowattDay } from '../../../src/query/types.js';
import { readState, toStoredState } from '../../../src/destinations/victoriametrics/state.js';
import {
  ecowattAlreadySent,
  markEcowattSent,
  markTempoSent,
  tempoAlreadySent,
} from '../../../src/engines/timeseries-backfill/state.js';
import {
  consecutiveRanges,
  dailySelectionRanges,
  monthlySelectionRanges,
} from '../../../src/engines/timeseries-backfill/energy-stream.js';

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

  it('remembers each Tempo day and notices a colour changed afterwards', () => {
    const state = readState({});
    markTempoSent(state.tempo, { date: '2024-01-01', color: 'BLUE' });
    markTempoSent(state.tempo, { date: '2024-01-31', color: 'RED' });
    expect(tempoAlreadySent(state, { date: '2024-01-01', color: 'BLUE' })).toBe(true);
    expect(tempoAlreadySent(state, { date: '2024-01-31', color: 'RED' })).toBe(true);
    expect(tempoAlreadySent(state, { date: '2024-01-31', color: 'WHITE' })).toBe(false);
    expect(tempoAlreadySent(state, { date: '2024-01-15', color: 'BLUE' })).toBe(false);
    expect(tempoAlreadySent(state, { date: '2024-02-01', color: 'BLUE' })).toBe(false);
  });

  it('remembers each EcoWatt day by content: a revision with other levels is sent again', () => {
    const state = readState({});
    const forecast = day('2024-01-10', Array(24).fill(1));
    markEcowattSent(state.ecowatt, forecast);
    expect(ecowattAlreadySent(state, forecast)).toBe(true);
    expect(ecowattAlreadySent(state, { ...forecast, generatedAt: new Date(1) })).toBe(true);
    const revised = day('2024-01-10', [...Array(23).fill(1), 2]);
    expect(ecowattAlreadySent(state, revised)).toBe(false);
    expect(ecowattAlreadySent(state, day('2024-01-11', Array(24).fill(1)))).toBe(false);
  });
});

describe('what an incremental pass reads', () => {
  it('groups changed days into runs of consecutive days', () => {
    expect(
      consecutiveRanges(['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-05', '2024-12-31', '2025-01-01']),
    ).toEqual([
      { from: '2024-02-28', to: '2024-03-01' },
      { from: '2024-03-05', to: '2024-03-05' },
      { from: '2024-12-31', to: '2025-01-01' },
    ]);
    expect(consecutiveRanges([])).toEqual([]);
  });

  it('adds everything from --since and drops the changed days it already covers', () => {
    expect(dailySelectionRanges(['2024-01-05', '2024-03-02', '2024-03-09'], '2024-03-01')).toEqual([
      { from: '2024-01-05', to: '2024-01-05' },
      { from: '2024-03-01' },
    ]);
  });

  it('re-reads the whole month of every changed day, leap February included', () => {
    expect(monthlySelectionRanges(['2024-02-10', '2024-02-11', '2024-11-30'], null)).toEqual([
      { from: '2024-02-01', to: '2024-02-29' },
      { from: '2024-11-01', to: '2024-11-30' },
    ]);
    expect(monthlySelectionRanges(['2024-01-31', '2024-06-15'], '2024-06-10')).toEqual([
      { from: '2024-01-01', to: '2024-01-31' },
      { from: '2024-06-01' },
    ]);
  });
});
