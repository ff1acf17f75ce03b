import { parisLocalToUtcMs, parisMidnightUtcMs, parisParts, parseHourlyLevels } from '../../domain/index.js';
import type { EcowattDay } from '../../query/types.js';
import type { EcowattInstants, TimedValue } from './writer.js';

/**
 * The day's level at its midnight and each hourly level at that Paris hour. RTE numbers hours 0–23 of the
 * local day; on the spring-forward day 02:00 does not exist, so that hour's value has no instant and is left
 * out rather than written over 03:00.
 */
export function ecowattInstants(day: EcowattDay): EcowattInstants {
  const dayLevel =
    Number.isInteger(day.level) && day.level >= 0 && day.level <= 3
      ? { value: day.level, timestampMs: parisMidnightUtcMs(day.date) }
      : null;
  const levels = parseHourlyLevels(day.hourlyValues);
  if (!levels) return { day: dayLevel, hours: [], skippedHours: 24, hourlyUnreadable: true };
  const hours: TimedValue[] = [];
  let skippedHours = 0;
  levels.forEach((level, hour) => {
    const timestampMs = parisLocalToUtcMs(day.date, `${String(hour).padStart(2, '0')}:00`);
    if (parisParts(timestampMs).hour !== hour) {
      skippedHours += 1;
      return;
    }
    hours.push({ value: level, timestampMs });
  });
  return { day: dayLevel, hours, skippedHours, hourlyUnreadable: false };
}
