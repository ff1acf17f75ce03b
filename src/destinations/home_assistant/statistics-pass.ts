/**
 * The Energy-dashboard part of a pass: which statistics exist, where each import starts, the sums Home
 * Assistant already holds, the hourly rows, and their import in chunks.
 */
import { addDays, parisDate, parisMidnightUtcMs } from '../../domain/paris-time.js';
import type { PricingOption, TariffName } from '../../domain/tariffs.js';
import { normalizePricingOption, parseOffpeakHours, tariffNames } from '../../domain/tariffs.js';
import type { EnergyDirection, EnergyOffer, Pdl, QueryLayer, TempoColorCode } from '../../query/types.js';
import type { ExportContext, Payload } from '../destination.js';
import type { HomeAssistantSocket } from './client.js';
import type { HomeAssistantConfig } from './config.js';
import type { SeriesSpec } from './format.js';
import { costSeries, energySeries, isoHour, statisticMetadata, tariffSeries } from './format.js';
import type { DirectionSeries, TariffRules } from './statistics.js';
import { DirectionAggregator, HOUR_MS, buildRows, chunks } from './statistics.js';
import { importStartMs } from './state.js';

/** One PDL direction and the statistics it feeds. */
interface DirectionPlan {
  pdl: Pdl;
  direction: EnergyDirection;
  series: DirectionSeries;
  rules: TariffRules | null;
}

export interface StatisticsOutcome {
  /** Rows Home Assistant confirmed. */
  rows: number;
  /** Statistic id → ISO start of the last confirmed hour. */
  through: Record<string, string>;
  details: Record<string, unknown>;
  payloads: Payload[];
}

/** Thrown when an import fails part-way: what was confirmed before. */
export class StatisticsImportError extends Error {
  constructor(
    message: string,
    readonly confirmed: StatisticsOutcome,
  ) {
    super(message);
    this.name = 'StatisticsImportError';
  }
}

type PriceKey = keyof Omit<EnergyOffer, 'id' | 'name'>;

const OFFER_PRICE: Record<TariffName, PriceKey> = {
  base: 'basePrice',
  hc: 'hcPrice',
  hp: 'hpPrice',
  blue_hc: 'tempoBlueHc',
  blue_hp: 'tempoBlueHp',
  white_hc: 'tempoWhiteHc',
  white_hp: 'tempoWhiteHp',
  red_hc: 'tempoRedHc',
  red_hp: 'tempoRedHp',
};

/** €/kWh of a tariff: the PDL's selected offer in `energy_offers`, else the configured override; never guessed. */
export function priceOf(
  tariff: TariffName,
  offer: EnergyOffer | null,
  overrides: Record<string, unknown> | undefined,
): number | null {
  const fromOffer = offer?.[OFFER_PRICE[tariff]];
  if (typeof fromOffer === 'number' && Number.isFinite(fromOffer) && fromOffer >= 0) return fromOffer;
  const override = overrides?.[tariff];
  return typeof override === 'number' ? override : null;
}

async function planDirections(
  ctx: ExportContext<HomeAssistantConfig>,
  pdls: readonly Pdl[],
): Promise<DirectionPlan[]> {
  const { config, exportData, query, settings } = ctx;
  const prefix = config.statistic_id_prefix;
  const plans: DirectionPlan[] = [];
  for (const pdl of pdls) {
    for (const direction of ['consumption', 'production'] as const) {
      const has = direction === 'consumption' ? pdl.hasConsumption : pdl.hasProduction;
      if (!has || !(exportData.has(`${direction}_detailed`) || exportData.has(`${direction}_daily`)))
        continue;
      const energy = energySeries(prefix, pdl, direction);
      const tariffs = new Map<TariffName, SeriesSpec>();
      const costs = new Map<TariffName, { series: SeriesSpec; price: number }>();
      let rules: TariffRules | null = null;
      const option: PricingOption | null =
        direction === 'consumption' ? normalizePricingOption(pdl.pricingOption) : null;
      if (option && tariffNames(option).length > 0) {
        const offer = pdl.selectedOfferId ? await query.energyOffer(pdl.selectedOfferId) : null;
        for (const tariff of tariffNames(option)) {
          tariffs.set(tariff, tariffSeries(prefix, pdl, tariff));
          const price = priceOf(tariff, offer, config.prices);
          if (price !== null) costs.set(tariff, { series: costSeries(prefix, pdl, tariff), price });
        }
        const schedule = parseOffpeakHours(pdl.offpeakHours) ??
          parseOffpeakHours(settings.defaultOffpeakHours) ?? { byIsoWeekday: [] };
        rules = { option, schedule, tempoColorOf: () => undefined };
      }
      plans.push({ pdl, direction, series: { energy, tariffs, costs }, rules });
    }
  }
  return plans;
}

function allSeries(plan: DirectionPlan): SeriesSpec[] {
  return [
    plan.series.energy,
    ...plan.series.tariffs.values(),
    ...[...plan.series.costs.values()].map((c) => c.series),
  ];
}

/**
 * `recorder/statistics_during_period` (recorder/websocket_api.py `ws_get_statistics_during_period`) answers
 * `{id: [{start, end, sum}]}` for rows with start_time <= start < end_time; the last one before `fromMs` holds
 * the sum to continue. A statistic with a long gap before `fromMs` (Tempo red days) is looked up again over
 * its whole history.
 */
async function sumsBefore(
  socket: HomeAssistantSocket,
  statisticIds: readonly string[],
  fromMs: number,
): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  const ask = async (ids: readonly string[], startMs: number) => {
    if (ids.length === 0) return;
    const result = await socket.command<Record<string, { sum?: number | null }[]>>({
      type: 'recorder/statistics_during_period',
      start_time: isoHour(startMs),
      end_time: isoHour(fromMs),
      statistic_ids: ids,
      period: 'hour',
      types: ['sum'],
      units: { energy: 'kWh' },
    });
    for (const id of ids) {
      const rows = result[id] ?? [];
      for (let index = rows.length - 1; index >= 0; index--) {
        const sum = rows[index]?.sum;
        if (typeof sum === 'number') {
          sums.set(id, sum);
          break;
        }
      }
    }
  };
  await ask(statisticIds, fromMs - 14 * 24 * HOUR_MS);
  await ask(
    statisticIds.filter((id) => !sums.has(id)),
    Date.UTC(2000, 0, 1),
  );
  return sums;
}

/** Earliest Paris day whose rows changed since `since`, as the instant of its first hour. */
async function earliestChangeMs(
  query: QueryLayer,
  plan: DirectionPlan,
  since: Date | null,
): Promise<number | null> {
  if (!since) return null;
  const days = await query.changedDates(plan.direction, plan.pdl.usagePointId, since);
  const first = days[0];
  return first ? parisMidnightUtcMs(first) : null;
}

interface Work {
  series: SeriesSpec;
  fromMs: number;
}

export async function statisticsPass(
  ctx: ExportContext<HomeAssistantConfig>,
  pdls: readonly Pdl[],
  socket: HomeAssistantSocket | null,
  haVersion: string,
  previousThrough: Readonly<Record<string, string>>,
): Promise<StatisticsOutcome> {
  const { config, query, changes, now } = ctx;
  const plans = await planDirections(ctx, pdls);
  const outcome: StatisticsOutcome = { rows: 0, through: { ...previousThrough }, details: {}, payloads: [] };
  if (plans.length === 0) return outcome;

  const existing = new Set<string>();
  if (socket) {
    const listed = await socket.command<{ statistic_id: string }[]>({
      type: 'recorder/list_statistic_ids',
      statistic_type: 'sum',
    });
    for (const item of listed) existing.add(item.statistic_id);
  }
  const overlapStartMs = parisMidnightUtcMs(addDays(parisDate(now), -config.overlap_days));
  const resendFromMs = changes.resendFrom ? parisMidnightUtcMs(changes.resendFrom) : null;

  const perStatistic: Record<string, number> = {};
  const notSplit: Record<string, { days: number; first: string; last: string }> = {};
  const dailyOnly: Record<string, number> = {};
  const unclassified: Record<string, number> = {};
  const skipped: Record<string, unknown> = {};

  for (const plan of plans) {
    const changeMs = await earliestChangeMs(query, plan, changes.changedSince);
    const work: Work[] = allSeries(plan).map((series) => {
      const through = previousThrough[series.statisticId];
      return {
        series,
        fromMs: importStartMs({
          firstRun: changes.changedSince === null,
          existsInHomeAssistant: existing.has(series.statisticId),
          throughMs: through === undefined ? undefined : Date.parse(through),
          earliestChangeMs: changeMs,
          overlapStartMs,
          resendFromMs,
        }),
      };
    });

    // Read from the earliest day any of these statistics needs (its hours all start on or after that day).
    const earliest = Math.min(...work.map((item) => item.fromMs));
    const fromDay = Number.isFinite(earliest) ? parisDate(earliest) : undefined;
    const range = fromDay ? { from: fromDay } : {};
    if (plan.rules?.option === 'TEMPO') {
      // The Tempo day runs 06:00 → 06:00: the first hours of `fromDay` belong to the day before.
      const colors = new Map<string, TempoColorCode>();
      for (const day of await query.tempoDays(fromDay ? { from: addDays(fromDay, -1) } : {}))
        colors.set(day.date, day.color);
      plan.rules.tempoColorOf = (date) => colors.get(date);
    }
    const aggregator = new DirectionAggregator(plan.series, plan.rules);
    for await (const page of query.detailedPages(plan.direction, plan.pdl.usagePointId, range)) {
      for (const row of page) aggregator.addDetailedRow(row);
    }
    for (const row of await query.dailyRows(plan.direction, plan.pdl.usagePointId, range))
      aggregator.addDailyRow(row);
    const aggregated = aggregator.finish();

    const key = `${plan.pdl.usagePointId}_${plan.direction}`;
    if (aggregated.notSplitDays.length > 0) {
      dailyOnly[key] = aggregated.notSplitDays.length;
      if (plan.series.tariffs.size > 0) {
        notSplit[plan.pdl.usagePointId] = {
          days: aggregated.notSplitDays.length,
          first: aggregated.notSplitDays[0]!,
          last: aggregated.notSplitDays[aggregated.notSplitDays.length - 1]!,
        };
      }
    }
    if (aggregated.unclassifiedIntervals > 0) unclassified[key] = aggregated.unclassifiedIntervals;
    if (aggregated.skipped.total > 0) skipped[key] = aggregated.skipped.toJSON();

    const bases = new Map<string, number>();
    if (socket) {
      const byStart = new Map<number, string[]>();
      for (const item of work) {
        if (!Number.isFinite(item.fromMs)) continue;
        byStart.set(item.fromMs, [...(byStart.get(item.fromMs) ?? []), item.series.statisticId]);
      }
      for (const [fromMs, ids] of byStart) {
        for (const [id, sum] of await sumsBefore(socket, ids, fromMs)) bases.set(id, sum);
      }
    }

    for (const item of work) {
      const { series } = item;
      const built = buildRows(
        aggregated.hourly.get(series.statisticId),
        series.unit,
        item.fromMs,
        bases.get(series.statisticId) ?? 0,
      );
      if (built.rows.length === 0) continue;
      const metadata = statisticMetadata(series, config.statistic_id_prefix, haVersion);
      const slices = chunks(built.rows, config.chunk_size);
      let sent = 0;
      for (const slice of slices) {
        const message = { type: 'recorder/import_statistics', metadata, stats: slice };
        if (ctx.dryRun || !socket) {
          outcome.payloads.push({
            target: `recorder/import_statistics ${series.statisticId} (${slice.length} hours from ${slice[0]!.start})`,
            body: message,
          });
        } else {
          try {
            // Each chunk waits for its result: a refusal stops the run with Home Assistant's own words.
            await socket.command(message);
          } catch (error) {
            outcome.details = statisticsDetails(
              haVersion,
              perStatistic,
              notSplit,
              dailyOnly,
              unclassified,
              skipped,
            );
            throw new StatisticsImportError(
              `importing ${series.statisticId}: ${(error as Error).message}`,
              outcome,
            );
          }
        }
        sent += slice.length;
        outcome.rows += slice.length;
        perStatistic[series.statisticId] = sent;
        outcome.through[series.statisticId] = isoHour(built.starts[sent - 1]!);
      }
    }
  }
  outcome.details = statisticsDetails(haVersion, perStatistic, notSplit, dailyOnly, unclassified, skipped);
  return outcome;
}

function statisticsDetails(
  haVersion: string,
  perStatistic: Record<string, number>,
  notSplit: Record<string, unknown>,
  dailyOnly: Record<string, number>,
  unclassified: Record<string, number>,
  skipped: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ha_version: haVersion,
    statistic_rows: perStatistic,
    ...(Object.keys(notSplit).length > 0 ? { not_split_by_tariff: notSplit } : {}),
    ...(Object.keys(dailyOnly).length > 0 ? { daily_only_days: dailyOnly } : {}),
    ...(Object.keys(unclassified).length > 0 ? { intervals_without_tariff: unclassified } : {}),
    ...(Object.keys(skipped).length > 0 ? { skipped_rows: skipped } : {}),
  };
}
