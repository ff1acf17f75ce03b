import { describe, expect, it } from 'vitest';
import type { EcowattDay } from '../../../src/query/types.js';
import {
  ecowattAlreadySent,
  markEcowattSent,
  markTempoSent,
  readBackfillState,
  tempoAlreadySent,
} from '../../../src/engines/timeseries-backfill/state.js';

const day = (date: string, levels: number[]): EcowattDay => ({
  date,
  generatedAt: new Date(0),
  level: Math.max(...levels),
  message: null,
  hourlyValues: levels.map((hvalue, pas) => ({ pas, hvalue })),
});

describe('state', () => {
  it('remembers each Tempo day and notices a colour changed afterwards', () => {
    const state = readBackfillState({});
    markTempoSent(state.tempo, { date: '2024-01-01', color: 'BLUE' });
    markTempoSent(state.tempo, { date: '2024-01-31', color: 'RED' });
    expect(tempoAlreadySent(state, { date: '2024-01-01', color: 'BLUE' })).toBe(true);
    expect(tempoAlreadySent(state, { date: '2024-01-31', color: 'RED' })).toBe(true);
    expect(tempoAlreadySent(state, { date: '2024-01-31', color: 'WHITE' })).toBe(false);
    expect(tempoAlreadySent(state, { date: '2024-01-15', color: 'BLUE' })).toBe(false);
    expect(tempoAlreadySent(state, { date: '2024-02-01', color: 'BLUE' })).toBe(false);
  });

  it('remembers each EcoWatt day by content: a revision with other levels is sent again', () => {
    const state = readBackfillState({});
    const forecast = day('2024-01-10', Array(24).fill(1));
    markEcowattSent(state.ecowatt, forecast);
    expect(ecowattAlreadySent(state, forecast)).toBe(true);
    expect(ecowattAlreadySent(state, { ...forecast, generatedAt: new Date(1) })).toBe(true);
    const revised = day('2024-01-10', [...Array(23).fill(1), 2]);
    expect(ecowattAlreadySent(state, revised)).toBe(false);
    expect(ecowattAlreadySent(state, day('2024-01-11', Array(24).fill(1)))).toBe(false);
  });
});
