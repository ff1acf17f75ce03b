/**
 * The Energy-dashboard part of a pass: which statistics exist, where each import starts, the sums Home
 * Assistant already holds, the hourly rows, and their import in chunks.
 */
import { addDays, parisDate, parisMidnightUtcMs } from '../../domain/paris-time.js';
import type { PricingOption, TariffName } from '../../domain/tariffs.js';
import { normalizePricingOption, parseOffpeakHours, tariffNames } from '../../domain/tariffs.js';
import type { DetailedRow, EnergyOffer, Pdl, QueryLayer } from '../../query/types.js';
import type { EnergyDirection, TempoColorCode } from '../../domain/vocabulary.js';
import type { ExportContext, Payload } from '../../contract/destination.js';
import type { HomeAssistantSocket } from './client.js';
import type { HomeAssistantConfig } from './config.js';
import type { SeriesSpec } from './format.js';
import { costSeries, energySeries, isoHour, statisticMetadata, tariffSeries } from './format.js';
import type { AggregatedDirection, DirectionSeries, TariffRules } from './statistics.js';
import type { RowsChunk } from './statistics.js';
import {
  DirectionAggregator,
  HOUR_MS,
  HourBlockPool,
  RowStream,
  importMessage,
  rowChunks,
} from './statistics.js';
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

/** The sums Home Assistant holds just before where each statistic's import starts. */
async function basesOf(socket: HomeAssistantSocket, work: readonly Work[]): Promise<Map<string, number>> {
  const bases = new Map<string, number>();
  const byStart = new Map<number, string[]>();
  for (const item of work) {
    if (!Number.isFinite(item.fromMs)) continue;
    byStart.set(item.fromMs, [...(byStart.get(item.fromMs) ?? []), item.series.statisticId]);
  }
  for (const [fromMs, ids] of byStart) {
    for (const [id, sum] of await sumsBefore(socket, ids, fromMs)) bases.set(id, sum);
  }
  return bases;
}

/** Days of load curve asked for at once: a few thousand rows, whose index range PostgreSQL reads and sorts quickly. */
const WINDOW_DAYS = 62;

/**
 * The detailed rows of one PDL direction from `fromDay` on (all of them without it), in the order of
 * `detailedPages`, read a window of days at a time. One keyset page over the whole history makes PostgreSQL
 * sort every remaining row for each page (the order on `coalesce(interval_start, '')` is not the index's),
 * while a window is an index range of a few thousand rows. An empty window jumps to the next day that has
 * rows, so gaps in the history cost one query each.
 */
async function* detailedWindows(
  query: QueryLayer,
  direction: EnergyDirection,
  usagePointId: string,
  fromDay: string | undefined,
): AsyncGenerator<DetailedRow[]> {
  const firstDayFrom = async (from: string | undefined): Promise<string | undefined> => {
    for await (const page of query.detailedPages(direction, usagePointId, from ? { from } : {}, 1))
      return page[0]?.date;
    return undefined;
  };
  let start = fromDay ?? (await firstDayFrom(undefined));
  while (start !== undefined) {
    const to = addDays(start, WINDOW_DAYS - 1);
    let rows = 0;
    for await (const page of query.detailedPages(direction, usagePointId, { from: start, to })) {
      rows += page.length;
      yield page;
    }
    start = addDays(to, 1);
    if (rows === 0) start = await firstDayFrom(start);
  }
}

/** The pages of `source`, each next one already asked for while the caller works on the current one. */
async function* prefetched<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  let done = false;
  try {
    for (;;) {
      const page = await next;
      if (page.done) {
        done = true;
        return;
      }
      next = iterator.next();
      // Awaited on the next turn; until then, a failure must not count as unhandled.
      next.catch(() => undefined);
      yield page.value;
    }
  } finally {
    if (!done) await next.then(() => iterator.return?.()).catch(() => undefined);
  }
}

/** What the pass tells `export_logs` about the rows it read. */
class PassDetails {
  readonly perStatistic: Record<string, number> = {};
  private readonly notSplit: Record<string, { days: number; first: string; last: string }> = {};
  private readonly dailyOnly: Record<string, number> = {};
  private readonly unclassified: Record<string, number> = {};
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
    if (aggregated.unclassifiedIntervals > 0) this.unclassified[key] = aggregated.unclassifiedIntervals;
    if (aggregated.skipped.total > 0) this.skipped[key] = aggregated.skipped.toJSON();
  }

  toJSON(): Record<string, unknown> {
    return statisticsDetails(
      this.haVersion,
      this.perStatistic,
      this.notSplit,
      this.dailyOnly,
      this.unclassified,
      this.skipped,
    );
  }
}

const IMPORT_TYPE = 'recorder/import_statistics';

/** An import message sent, and what its success confirms. */
interface SentImport {
  statisticId: string;
  rows: number;
  /** Rows of this statistic sent in this pass, this message included. */
  sentOfStatistic: number;
  lastStartMs: number;
}

/**
 * Sends the import messages in order with one in flight: the next message is built while Home Assistant
 * handles the previous one, and is sent only once that one succeeded, so a refusal stops the run before
 * anything after it is sent (as when each message was awaited). Confirmations are recorded in `outcome`.
 */
class ImportSender {
  private inFlight: Promise<void> | null = null;
  private failure: StatisticsImportError | null = null;
  private stopped = false;

  constructor(
    private readonly socket: HomeAssistantSocket,
    private readonly outcome: StatisticsOutcome,
    private readonly details: PassDetails,
  ) {}

  async send(serialize: (id: number) => Buffer, sent: SentImport): Promise<void> {
    await this.settle();
    if (this.stopped) throw new Error('statistics import stopped');
    this.inFlight = this.socket.commandJson(IMPORT_TYPE, serialize).then(
      () => this.confirm(sent),
      (error: unknown) => {
        this.outcome.details = this.details.toJSON();
        this.failure = new StatisticsImportError(
          `importing ${sent.statisticId}: ${(error as Error).message}`,
          this.outcome,
        );
      },
    );
  }

  confirm(sent: SentImport): void {
    this.outcome.rows += sent.rows;
    this.details.perStatistic[sent.statisticId] = sent.sentOfStatistic;
    this.outcome.through[sent.statisticId] = isoHour(sent.lastStartMs);
  }

  /** The refusal of a message, once its answer came. */
  get failed(): StatisticsImportError | null {
    return this.failure;
  }

  /** Waits for the message in flight; throws the refusal of any message sent. */
  async settle(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = null;
    if (inFlight) await inFlight;
    if (this.failure) throw this.failure;
  }

  /** No further message is sent (the pass failed elsewhere). */
  stop(): void {
    this.stopped = true;
  }
}

/**
 * Imports one PDL direction's statistics while its load curve is still being read: a statistic's next chunk
 * goes as soon as its hours are final (`DirectionAggregator.settledBeforeMs`), the chunks are the ones a
 * whole import would send, each statistic's in order, and a statistic's last (partial) chunk once everything
 * is read.
 */
class DirectionImport {
  private settledMs = Number.NEGATIVE_INFINITY;
  private complete = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly work: readonly Work[],
    private readonly aggregator: DirectionAggregator,
    private readonly bases: Promise<Map<string, number>>,
    private readonly chunkSize: number,
    private readonly message: (series: SeriesSpec, chunk: RowsChunk, id?: number) => Buffer,
    private readonly sender: ImportSender,
  ) {}

  /** The hours before `beforeMs` are final. */
  settled(beforeMs: number): void {
    this.settledMs = beforeMs;
    this.signal();
  }

  /** Every hour is final. */
  completed(): void {
    this.complete = true;
    this.settledMs = Number.POSITIVE_INFINITY;
    this.signal();
  }

  /** Sends every chunk; resolves once Home Assistant confirmed all of them. */
  async run(): Promise<void> {
    const bases = await this.bases;
    const streams = this.work.map((item) => ({
      series: item.series,
      sent: 0,
      stream: new RowStream(
        this.aggregator.hoursOf(item.series.statisticId),
        item.series.unit,
        item.fromMs,
        bases.get(item.series.statisticId) ?? 0,
        this.chunkSize,
      ),
    }));
    for (;;) {
      const last = this.complete;
      let chunk: RowsChunk | null = null;
      let target: (typeof streams)[number] | undefined;
      // The first statistic (in their usual order) that has a chunk ready.
      for (target of streams) {
        target.stream.advance(this.settledMs);
        chunk = target.stream.take(last);
        if (chunk) break;
      }
      if (!chunk || !target) {
        if (last) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      target.sent += chunk.count;
      const { series } = target;
      const ready = chunk;
      await this.sender.send((id) => this.message(series, ready, id), {
        statisticId: series.statisticId,
        rows: ready.count,
        sentOfStatistic: target.sent,
        lastStartMs: ready.lastStartMs,
      });
    }
    await this.sender.settle();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
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

  const details = new PassDetails(haVersion);
  const blockPool = new HourBlockPool();
  const sender = socket && !ctx.dryRun ? new ImportSender(socket, outcome, details) : null;
  const metadataJson = new Map<string, string>();
  /** An import message, as `JSON.stringify` writes `{id, type, metadata, stats}`, in UTF-8. */
  const message = (series: SeriesSpec, chunk: RowsChunk, id?: number): Buffer => {
    let metadata = metadataJson.get(series.statisticId);
    if (metadata === undefined) {
      metadata = JSON.stringify(statisticMetadata(series, config.statistic_id_prefix, haVersion));
      metadataJson.set(series.statisticId, metadata);
    }
    const head = `{${id === undefined ? '' : `"id":${id},`}"type":"${IMPORT_TYPE}","metadata":${metadata},"stats":[`;
    return importMessage(Buffer.from(head, 'utf8'), chunk);
  };

  // Each PDL direction's imports follow the previous one's; one direction is read while the one before it
  // (and its own first hours) are being imported.
  let importing: Promise<void> = Promise.resolve();
  let reading: DirectionImport | null = null;
  try {
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
      // Asked now, answered while the readings are summed.
      const bases = socket ? basesOf(socket, work) : Promise.resolve(new Map<string, number>());
      bases.catch(() => undefined);

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
      const aggregator = new DirectionAggregator(plan.series, plan.rules, blockPool);
      // The daily values first: a day without load curve is final once the load curve has moved past it.
      for (const row of await query.dailyRows(plan.direction, plan.pdl.usagePointId, range))
        aggregator.addDailyRow(row);

      const previous = importing;
      const direction = sender
        ? new DirectionImport(work, aggregator, bases, config.chunk_size, message, sender)
        : null;
      reading = direction;
      if (direction) {
        importing = previous.then(async () => {
          await direction.run();
          aggregator.release();
        });
        importing.catch(() => undefined);
      }
      for await (const page of prefetched(
        detailedWindows(query, plan.direction, plan.pdl.usagePointId, fromDay),
      )) {
        for (const row of page) aggregator.addDetailedRow(row);
        if (sender?.failed) throw sender.failed;
        direction?.settled(aggregator.settledBeforeMs());
      }
      const aggregated = aggregator.finish();
      details.addPlan(plan, aggregated);
      direction?.completed();
      if (!direction) {
        await dryRunImports(work, aggregated, await bases);
        aggregator.release();
      }
      // At most the next direction is read ahead of the imports.
      await previous;
    }
    await importing;
  } catch (error) {
    sender?.stop();
    // The direction being read waits for hours that will not come: let it end (sending nothing more).
    reading?.completed();
    await importing.catch(() => undefined);
    throw error;
  }
  outcome.details = details.toJSON();
  return outcome;

  /** Without Home Assistant to send to (dry run): what would be sent, as sent. */
  async function dryRunImports(
    work: readonly Work[],
    aggregated: AggregatedDirection,
    bases: Map<string, number>,
  ): Promise<void> {
    for (const item of work) {
      const { series } = item;
      const base = bases.get(series.statisticId) ?? 0;
      let sent = 0;
      for (const chunk of rowChunks(
        aggregated.sums.get(series.statisticId),
        series.unit,
        item.fromMs,
        base,
        config.chunk_size,
      )) {
        sent += chunk.count;
        outcome.payloads.push({
          target: `${IMPORT_TYPE} ${series.statisticId} (${chunk.count} hours from ${isoHour(chunk.firstStartMs)})`,
          body: JSON.parse(message(series, chunk).toString('utf8')) as unknown,
        });
        outcome.rows += chunk.count;
        details.perStatistic[series.statisticId] = sent;
        outcome.through[series.statisticId] = isoHour(chunk.lastStartMs);
      }
    }
  }
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
