/**
 * The Energy-dashboard part of a pass: which statistics exist, where each import starts, the sums Home
 * Assistant already holds, then for each PDL direction its readings summed into hours while the hours already
 * final are imported.
 */
import { HOUR_MS } from '../../domain/durations.js';
import { addDays, parisDate, parisMidnightUtcMs } from '../../domain/paris-time.js';
import type { Pdl, QueryLayer } from '../../query/types.js';
import type { ExportContext } from '../../contract/destination.js';
import type { HomeAssistantSocket } from './client.js';
import type { HomeAssistantConfig } from './config.js';
import { importMessage, isoHour, statisticMetadata, type RowsChunk } from './encode.js';
import { DirectionAggregator, type AggregatedDirection } from './hour-aggregation.js';
import { HourBlockPool } from './hourly-sums.js';
import {
  DirectionImport,
  IMPORT_TYPE,
  ImportSender,
  type StatisticWork,
  type StatisticsOutcome,
} from './import-sender.js';
import { tempoRepairDates } from '../../engines/costs/tempo-repair.js';
import { detailedWindows, prefetched } from './load-curve-windows.js';
import { importStartMs } from './state.js';
import { rowChunks } from './statistic-rows.js';
import type { SeriesSpec } from './statistic-series.js';
import { PassDetails } from './statistics-details.js';
import { allSeries, planDirections, type DirectionPlan } from './statistics-plan.js';

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

/**
 * Earliest Paris day whose rows changed since `since`, as the instant of its first hour; for a Tempo PDL's
 * consumption, also the days whose colour arrived or changed (`tempoChanged`), so they go to the right tariff.
 */
async function earliestChangeMs(
  query: QueryLayer,
  plan: DirectionPlan,
  since: Date | null,
  tempoChanged: readonly string[],
): Promise<number | null> {
  if (!since) return null;
  const days = await query.changedDates(plan.direction, plan.pdl.usagePointId, since);
  const repaired = plan.costs?.offerType === 'TEMPO' ? tempoChanged[0] : undefined;
  const first = days[0] !== undefined && (repaired === undefined || days[0] < repaired) ? days[0] : repaired;
  return first ? parisMidnightUtcMs(first) : null;
}

/** The sums Home Assistant holds just before where each statistic's import starts. */
async function basesOf(
  socket: HomeAssistantSocket,
  work: readonly StatisticWork[],
): Promise<Map<string, number>> {
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

  const tempoChanged = await tempoRepairDates(query, changes.changedSince);
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

  /** A PDL direction being read, and its imports. */
  interface DirectionRun {
    plan: DirectionPlan;
    work: StatisticWork[];
    aggregator: DirectionAggregator;
    bases: Promise<Map<string, number>>;
    direction: DirectionImport | null;
    reading: Promise<AggregatedDirection>;
    imported: Promise<void>;
  }
  /** The first failure of a reading: it stops every import, whichever direction is awaited. */
  let failure: { error: unknown } | null = null;
  const fail = (error: unknown) => {
    failure ??= { error };
    sender?.stop();
  };
  let importing: Promise<void> = Promise.resolve();

  /** Starts reading a PDL direction; its imports follow the previous direction's. */
  const start = async (plan: DirectionPlan): Promise<DirectionRun> => {
    const changeMs = await earliestChangeMs(query, plan, changes.changedSince, tempoChanged);
    const work: StatisticWork[] = allSeries(plan).map((series) => {
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
    const aggregator = new DirectionAggregator(plan.series, plan.costs, blockPool);
    // The daily values first: a day without load curve is final once the load curve has moved past it.
    for (const row of await query.dailyRows(plan.direction, plan.pdl.usagePointId, range))
      aggregator.addDailyRow(row);

    const direction = sender
      ? new DirectionImport(work, aggregator, bases, config.chunk_size, message, sender)
      : null;
    const reading = (async () => {
      for await (const page of prefetched(
        detailedWindows(query, plan.direction, plan.pdl.usagePointId, fromDay),
      )) {
        if (failure) throw failure.error;
        for (const row of page) aggregator.addDetailedRow(row);
        if (sender?.failed) throw sender.failed;
        direction?.settled(aggregator.settledBeforeMs());
      }
      return aggregator.finish();
    })();
    reading.catch(fail);
    // Whatever the reading's outcome, the direction's imports end (sending nothing more after a failure).
    reading.finally(() => direction?.completed()).catch(() => undefined);
    let imported = Promise.resolve();
    if (direction) {
      imported = importing.then(async () => {
        await direction.run();
        aggregator.release();
      });
      imported.catch(() => undefined);
      importing = imported;
    }
    return { plan, work, aggregator, bases, direction, reading, imported };
  };

  // Two PDL directions are read at once (each on its own connection: one's queries run while the other's rows
  // are summed), and at most one is read ahead of the imports. Home Assistant receives the imports one after
  // the other, each direction's after the previous one's.
  const runs: DirectionRun[] = [];
  let nextPlan = 0;
  const startNext = async () => {
    while (runs.length < 2 && nextPlan < plans.length) runs.push(await start(plans[nextPlan++]!));
  };
  try {
    await startNext();
    while (runs.length > 0) {
      const run = runs[0]!;
      const aggregated = await run.reading;
      details.addPlan(run.plan, aggregated);
      if (!run.direction) {
        await dryRunImports(run.work, aggregated, await run.bases);
        run.aggregator.release();
      }
      await run.imported;
      runs.shift();
      await startNext();
    }
  } catch (error) {
    fail(error);
    // The directions being read stop at their next page; their imports end, sending nothing more.
    await Promise.allSettled(runs.map((run) => run.reading));
    await importing.catch(() => undefined);
    throw failure!.error;
  }
  outcome.details = details.toJSON();
  return outcome;

  /** Without Home Assistant to send to (dry run): what would be sent, as sent. */
  async function dryRunImports(
    work: readonly StatisticWork[],
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
