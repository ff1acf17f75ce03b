import { energyDatesOfTempoDay } from '../../domain/tariff-periods.js';
import type { QueryLayer } from '../../query/types.js';

/**
 * The energy days to send again because their Tempo colour arrived or changed since `since`
 * (`tempo_days.updated_at`): a Tempo day bills its own day from 06:00 and the next one until 06:00. Sorted.
 */
export async function tempoRepairDates(query: QueryLayer, since: Date | null): Promise<string[]> {
  if (since === null) return [];
  const dates = new Set<string>();
  for (const tempoDay of await query.tempoDaysChangedSince(since))
    for (const date of energyDatesOfTempoDay(tempoDay)) dates.add(date);
  return [...dates].sort();
}

/** Sorted, distinct union of two sorted date lists. */
export function mergeDates(a: readonly string[], b: readonly string[]): string[] {
  if (b.length === 0) return [...a];
  return [...new Set([...a, ...b])].sort();
}
