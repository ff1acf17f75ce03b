/** What a statistics pass tells `export_logs`: rows per statistic, and the readings it could not use fully. */
import { costReportDetails } from '../../engines/costs/cost-details.js';
import type { AggregatedDirection } from './hour-aggregation.js';
import type { DirectionPlan } from './statistics-plan.js';

/** What the pass tells `export_logs` about the rows it read. */
export class PassDetails {
  readonly perStatistic: Record<string, number> = {};
  private readonly notSplit: Record<string, { days: number; first: string; last: string }> = {};
  private readonly dailyOnly: Record<string, number> = {};
  private readonly costs: Record<string, unknown> = {};
  private readonly skipped: Record<string, unknown> = {};

  constructor(private readonly haVersion: string) {}

  addPlan(plan: DirectionPlan, aggregated: AggregatedDirection): void {
    const key = `${plan.pdl.usagePointId}_${plan.direction}`;
    if (aggregated.notSplitDays.length > 0) {
      this.dailyOnly[key] = aggregated.notSplitDays.length;
      if (plan.series.tariffs.size > 0) {
        this.notSplit[plan.pdl.usagePointId] = {
          days: aggregated.notSplitDays.length,
          first: aggregated.notSplitDays[0]!,
          last: aggregated.notSplitDays[aggregated.notSplitDays.length - 1]!,
        };
      }
    }
    const rules = plan.costs?.rules;
    const costs =
      rules?.kind === 'unsplit'
        ? { unsplit: { reason: rules.reason, message: rules.message } }
        : aggregated.costReport && costReportDetails(aggregated.costReport);
    if (costs) this.costs[plan.pdl.usagePointId] = costs;
    if (aggregated.skipped.total > 0) this.skipped[key] = aggregated.skipped.toJSON();
  }

  toJSON(): Record<string, unknown> {
    return statisticsDetails(
      this.haVersion,
      this.perStatistic,
      this.notSplit,
      this.dailyOnly,
      this.costs,
      this.skipped,
    );
  }
}

function statisticsDetails(
  haVersion: string,
  perStatistic: Record<string, number>,
  notSplit: Record<string, unknown>,
  dailyOnly: Record<string, number>,
  costs: Record<string, unknown>,
  skipped: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ha_version: haVersion,
    statistic_rows: perStatistic,
    ...(Object.keys(notSplit).length > 0 ? { not_split_by_tariff: notSplit } : {}),
    ...(Object.keys(dailyOnly).length > 0 ? { daily_only_days: dailyOnly } : {}),
    ...(Object.keys(costs).length > 0 ? { costs } : {}),
    ...(Object.keys(skipped).length > 0 ? { skipped_rows: skipped } : {}),
  };
}
