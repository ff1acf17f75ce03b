import { describe, expect, it } from 'vitest';
import {
  expectedDetailedRows,
  formatDayRange,
  isDstChangeDay,
  latestStoredDay,
  missingDayRanges,
  storedLabels,
} from '../../src/domain/med-calendar.js';
import { OFFER_TYPES, normalizeOfferType } from '../../src/domain/offer-types.js';
import { parisIntervalStartUtcMs } from '../../src/domain/paris-time.js';

describe('latestStoredDay', () => {
  it('is J-2, across month and year ends', () => {
    expect(latestStoredDay('2025-06-15')).toBe('2025-06-13');
    expect(latestStoredDay('2025-03-01')).toBe('2025-02-27');
    expect(latestStoredDay('2026-01-01')).toBe('2025-12-30');
  });
});

describe('storedLabels', () => {
  it('has 48 half-hours on an ordinary day', () => {
    const labels = storedLabels('2025-06-15');
    expect(labels).toHaveLength(48);
    expect(labels[0]).toBe('00:00');
    expect(labels.at(-1)).toBe('23:30');
  });

  it("has MyElectricalData's 46 spring-forward labels: 02:30 and no 01:30 or 02:00", () => {
    const labels = storedLabels('2025-03-30');
    expect(labels).toHaveLength(46);
    expect(labels).toContain('02:30');
    expect(labels).not.toContain('01:30');
    expect(labels).not.toContain('02:00');
    expect(labels.slice(0, 5)).toEqual(['00:00', '00:30', '01:00', '02:30', '03:00']);
  });

  it('has 48 distinct labels on the fall-back day', () => {
    expect(storedLabels('2025-10-26')).toEqual(storedLabels('2025-06-15'));
  });

  it('gives 23 hourly and 92 quarter-hour rows in spring, 24 and 96 in autumn', () => {
    expect(expectedDetailedRows('2024-03-31', 60)).toBe(23);
    expect(expectedDetailedRows('2024-03-31', 15)).toBe(92);
    expect(expectedDetailedRows('2024-10-27', 60)).toBe(24);
    expect(expectedDetailedRows('2024-10-27', 15)).toBe(96);
  });

  it('labels every interval so that the label rule gives back a real instant of the day, each once', () => {
    for (const date of ['2024-03-31', '2024-10-27', '2025-03-30', '2025-10-26', '2025-01-15']) {
      const starts = storedLabels(date).map((label) => parisIntervalStartUtcMs(date, label, 30));
      expect(new Set(starts).size).toBe(starts.length);
      for (const start of starts) expect(start % 1_800_000).toBe(0);
    }
  });
});

describe('isDstChangeDay', () => {
  it('is true on the two change days only', () => {
    expect(isDstChangeDay('2025-03-30')).toBe(true);
    expect(isDstChangeDay('2025-10-26')).toBe(true);
    expect(isDstChangeDay('2025-03-29')).toBe(false);
    expect(isDstChangeDay('2025-10-27')).toBe(false);
  });
});

describe('missingDayRanges', () => {
  it('groups consecutive missing days into ranges', () => {
    const days = ['2025-01-01', '2025-01-02', '2025-01-05', '2025-01-07'];
    expect(missingDayRanges(days, '2025-01-01', '2025-01-08')).toEqual([
      { from: '2025-01-03', to: '2025-01-04' },
      { from: '2025-01-06', to: '2025-01-06' },
      { from: '2025-01-08', to: '2025-01-08' },
    ]);
  });

  it('finds nothing when every day is there, and the whole span when none is', () => {
    expect(missingDayRanges(['2025-02-28', '2025-03-01'], '2025-02-28', '2025-03-01')).toEqual([]);
    expect(missingDayRanges([], '2024-02-28', '2024-03-01')).toEqual([
      { from: '2024-02-28', to: '2024-03-01' },
    ]);
  });

  it('formats a range as a date or as from…to', () => {
    expect(formatDayRange({ from: '2025-01-03', to: '2025-01-03' })).toBe('2025-01-03');
    expect(formatDayRange({ from: '2025-01-03', to: '2025-01-04' })).toBe('2025-01-03…2025-01-04');
  });
});

describe('normalizeOfferType', () => {
  it("knows MyElectricalData's offer types and the legacy spellings", () => {
    for (const option of OFFER_TYPES) expect(normalizeOfferType(option)).toBe(option);
    for (const option of ['HC/HP', 'HCHP', 'hc_hp', 'Tempo', 'zen-flex'])
      expect(normalizeOfferType(option)).not.toBeNull();
  });

  it('refuses anything else', () => {
    for (const option of ['', 'FLAT', 'HC', 'TEMPO_PLUS']) expect(normalizeOfferType(option)).toBeNull();
  });
});
