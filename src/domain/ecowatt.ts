/**
 * EcoWatt hourly levels. RTE's levels: 1 normal, 2 tense, 3 critical; since API v5 (November 2023) hourly
 * values may also be 0, "production décarbonée" (low-carbon hour), which is no alert either.
 */
const MIN_LEVEL = 0;
const MAX_LEVEL = 3;
const ALERT_LEVEL = 2;
const HOURS = 24;

function toLevel(value: unknown): number | null {
  const level = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof level === 'number' && Number.isInteger(level) && level >= MIN_LEVEL && level <= MAX_LEVEL
    ? level
    : null;
}

function toHour(value: unknown): number | null {
  const hour = typeof value === 'string' && /^\s*\d{1,2}\s*$/.test(value) ? Number(value) : value;
  return typeof hour === 'number' && Number.isInteger(hour) && hour >= 0 && hour < HOURS ? hour : null;
}

/** Hour → level pairs from one of the stored shapes, or null for an unknown shape. */
function hourLevelPairs(raw: unknown): [hour: unknown, level: unknown][] | null {
  if (Array.isArray(raw)) {
    if (raw.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))) {
      // RTE's API: [{ "pas": 0, "hvalue": 1 }, ...]
      return raw.map((item: Record<string, unknown>) => [item['pas'], item['hvalue']]);
    }
    return raw.map((level, hour) => [hour, level]);
  }
  if (typeof raw === 'object' && raw !== null) return Object.entries(raw);
  return null;
}

/**
 * The 24 hourly levels (index = hour) of an EcoWatt `values` column: an array of levels, an array of
 * `{ pas, hvalue }` objects, or an object keyed by hour. Null unless every hour 0–23 has exactly one valid level.
 */
export function parseHourlyLevels(raw: unknown): number[] | null {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const pairs = hourLevelPairs(value);
  if (!pairs || pairs.length !== HOURS) return null;
  const levels: (number | undefined)[] = new Array<number | undefined>(HOURS).fill(undefined);
  for (const [rawHour, rawLevel] of pairs) {
    const hour = toHour(rawHour);
    const level = toLevel(rawLevel);
    if (hour === null || level === null || levels[hour] !== undefined) return null;
    levels[hour] = level;
  }
  return levels.every((level) => level !== undefined) ? (levels as number[]) : null;
}

/** Level at an hour (0–23), or null when there is none. */
export function levelAt(levels: readonly number[], hour: number): number | null {
  return levels[hour] ?? null;
}

/** Whether a tense or critical hour is still ahead today, from `hour` (included) to 23:00. */
export function alertFrom(levels: readonly number[], hour: number): boolean {
  for (let h = Math.max(0, Math.floor(hour)); h < levels.length; h++) {
    if ((levels[h] ?? 0) >= ALERT_LEVEL) return true;
  }
  return false;
}
