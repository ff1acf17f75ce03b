import type { PlanReport } from './plan-events.js';
import type { SyncReport } from './sync-equipments.js';

/** What Jeedom acknowledged in a run, per command logicalId, and the commands whose backfill completed. */
export interface Tally {
  records: number;
  values: Record<string, number>;
  backfilled: string[];
}

export function emptyTally(): Tally {
  return { records: 0, values: {}, backfilled: [] };
}

/** export_logs.details of a Jeedom run (or of a dry run). */
export function detailsOf(
  sync: SyncReport,
  plan: PlanReport | null,
  tally: Tally,
  jeedom: Record<string, unknown>,
): Record<string, unknown> {
  return {
    jeedom,
    equipments: {
      created: sync.createdEquipments,
      recreated: sync.recreatedEquipments,
      disabled: sync.disabled,
    },
    commands: { created: sync.createdCommands, recreated: sync.recreatedCommands },
    values: tally.values,
    backfilled: tally.backfilled,
    ...(plan && plan.skipped.total > 0 ? { skipped: plan.skipped.toJSON() } : {}),
    ...(plan && plan.missing.length > 0 ? { missing: plan.missing } : {}),
    ...(plan && Object.keys(plan.costs).length > 0 ? { costs: plan.costs } : {}),
    ...(sync.warnings.length > 0 ? { warnings: sync.warnings } : {}),
  };
}
