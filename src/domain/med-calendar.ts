import { DAY_MS, MINUTE_MS } from './durations.js';
import { addDays, daysBetween, parisMidnightUtcMs, parisParts } from './paris-time.js';

/**
 * What MyElectricalData's client-mode sync stores, day by day: the rules med-export's doctor checks a database
 * against, and the reason "yesterday" is normally absent.
 */

/**
 * The newest day MyElectricalData has stored by `today` (Paris): J-2. Its sync asks Enedis for
 * `[start, today - 1)`, an exclusive end (MyElectricalData apps/api/src/services/sync.py, `_sync_energy_data`).
 */
export function latestStoredDay(today: string): string {
  return addDays(today, -2);
}

/**
 * The `interval_start` labels MyElectricalData stores for a Paris day: each Enedis interval's end stamp minus
 * its length on the naive wall clock (apps/api/src/adapters/enedis.py, `_shift_timestamps_to_interval_start`),
 * the last of equal labels kept by its upsert. 46 half-hours on the spring-forward day (`02:30`, no `01:30`),
 * 48 on the fall-back day (the two CEST intervals 23:30 and 00:00 UTC lost), 48 otherwise.
 */
export function storedLabels(date: string, minutes = 30): string[] {
  const startMs = parisMidnightUtcMs(date);
  const endMs = parisMidnightUtcMs(addDays(date, 1));
  const labels = new Set<string>();
  for (let intervalMs = startMs; intervalMs < endMs; intervalMs += minutes * MINUTE_MS) {
    const end = parisParts(intervalMs + minutes * MINUTE_MS);
    const endMinute = end.hour * 60 + end.minute + (end.date === date ? 0 : 24 * 60);
    const label = endMinute - minutes;
    labels.add(`${pad2(Math.floor(label / 60))}:${pad2(label % 60)}`);
  }
  return [...labels].sort();
}

/** How many detailed rows MyElectricalData stores for a complete Paris day. */
export function expectedDetailedRows(date: string, minutes = 30): number {
  return storedLabels(date, minutes).length;
}

/** Whether a Paris day is a DST change day (23 or 25 hours long). */
export function isDstChangeDay(date: string): boolean {
  return parisMidnightUtcMs(addDays(date, 1)) - parisMidnightUtcMs(date) !== DAY_MS;
}

/** The days of `[from, to]` missing from a sorted list of `YYYY-MM-DD` days, as inclusive ranges. */
export function missingDayRanges(
  days: readonly string[],
  from: string,
  to: string,
): { from: string; to: string }[] {
  const present = new Set(days);
  const ranges: { from: string; to: string }[] = [];
  const count = daysBetween(from, to);
  for (let offset = 0; offset <= count; offset++) {
    const day = addDays(from, offset);
    if (present.has(day)) continue;
    const last = ranges.at(-1);
    if (last && addDays(last.to, 1) === day) last.to = day;
    else ranges.push({ from: day, to: day });
  }
  return ranges;
}

/** `2025-03-01` or `2025-03-01…2025-03-04`. */
export function formatDayRange(range: { from: string; to: string }): string {
  return range.from === range.to ? range.from : `${range.from}…${range.to}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
