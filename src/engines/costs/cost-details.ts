import type { CostReport } from '../../domain/costs.js';

/** What export_logs.details says of one PDL's costs: only what needs the user's attention. */
export function costReportDetails(report: CostReport): Record<string, unknown> | null {
  const details: Record<string, unknown> = {};
  if (report.unsplit) details.unsplit = report.unsplit;
  if (report.awaitingDays.length > 0) {
    details.awaiting_tempo_colour = {
      days: report.awaitingDays.length,
      first: report.awaitingDays[0],
      last: report.awaitingDays[report.awaitingDays.length - 1],
    };
  }
  if (report.unpricedTariffs.length > 0) details.unpriced_tariffs = report.unpricedTariffs;
  if (report.configuredTariffs.length > 0) details.configured_price_tariffs = report.configuredTariffs;
  if (report.subscriptionUnknown) details.subscription_unknown = true;
  if (report.oldestPriceUsedBefore !== null) {
    details.before_oldest_price = `costs before ${report.oldestPriceUsedBefore} use the oldest price known for this offer`;
  }
  return Object.keys(details).length > 0 ? details : null;
}
