import { describe, expect, it } from 'vitest';
import {
  consecutiveRanges,
  dailySelectionRanges,
  monthlySelectionRanges,
} from '../../../src/engines/timeseries-backfill/energy-stream.js';

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
