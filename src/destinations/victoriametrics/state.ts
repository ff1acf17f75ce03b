import { readBackfillState, toStoredBackfillState } from '../../engines/timeseries-backfill/state.js';
import type { BackfillState } from '../../engines/timeseries-backfill/state.js';

/**
 * What VictoriaMetrics remembers between confirmed deliveries: the backfill engine's state and `counters`, the
 * running totals behind the `_total` export metrics.
 */
export interface VictoriaMetricsState extends BackfillState {
  counters: ExportCounters;
}

/** One destination's pass, as the run reports it. */
export interface PassFigures {
  destination: string;
  status: string;
  records: number;
  durationMs: number;
}

/** Running totals kept in the state so the `_total` metrics are counters (they only grow, across runs). */
export interface ExportCounters {
  /** destination → status → passes */
  passes: Record<string, Record<string, number>>;
  /** destination → records */
  records: Record<string, number>;
}

function numberRecord(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const result: Record<string, number> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'number' && Number.isFinite(item) && item >= 0) result[key] = item;
  }
  return result;
}

/** Reads a stored state defensively: anything unreadable counts as never sent (or never counted). */
export function readState(raw: Readonly<Record<string, unknown>>): VictoriaMetricsState {
  const counters = (
    typeof raw['counters'] === 'object' && raw['counters'] !== null ? raw['counters'] : {}
  ) as Record<string, unknown>;
  const passesRaw = counters['passes'];
  const passes: Record<string, Record<string, number>> = {};
  if (typeof passesRaw === 'object' && passesRaw !== null && !Array.isArray(passesRaw)) {
    for (const [destination, byStatus] of Object.entries(passesRaw))
      passes[destination] = numberRecord(byStatus);
  }
  return { ...readBackfillState(raw), counters: { passes, records: numberRecord(counters['records']) } };
}

export function toStoredState(state: VictoriaMetricsState): Record<string, unknown> {
  return { ...toStoredBackfillState(state), counters: state.counters };
}

/** Adds passes to the totals (a new object: the old one stays valid for a state that must not advance). */
export function countPasses(counters: ExportCounters, passes: readonly PassFigures[]): ExportCounters {
  const next: ExportCounters = {
    passes: Object.fromEntries(Object.entries(counters.passes).map(([key, value]) => [key, { ...value }])),
    records: { ...counters.records },
  };
  for (const pass of passes) {
    const byStatus = (next.passes[pass.destination] ??= {});
    byStatus[pass.status] = (byStatus[pass.status] ?? 0) + 1;
    next.records[pass.destination] = (next.records[pass.destination] ?? 0) + pass.records;
  }
  return next;
}
