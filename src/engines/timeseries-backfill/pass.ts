import { SkipCounter, addDays, parisDate } from '../../domain/index.js';
import type { DataKind, EnergyDirection } from '../../domain/vocabulary.js';
import type { Pdl } from '../../query/types.js';
import { classifyNetworkError } from '../../net/explain-network-error.js';
import { HttpStatusError } from '../../net/http-errors.js';
import { redact } from '../../redact.js';
import { CHANGE_SAFETY_MARGIN_MS, DeliveryError } from '../../contract/destination.js';
import type { ExportContext, ExportOutcome } from '../../contract/destination.js';
import { BatchSender } from './batch-sender.js';
import { readDetailedRows, sendEnergyStream } from './energy-stream.js';
import type { StreamPlan } from './energy-stream.js';
import { sendEcowatt, sendTempo } from './national-days.js';
import type { NationalDaysPass } from './national-days.js';
import type { BackfillState } from './state.js';
import { planTariffs } from './tariff-days.js';
import { mergeSpans, readBackSpans } from './uncertain-spans.js';
import type { BackfillSchema, EnergyType, Sample, SeriesSpan, TimeSeriesWriter } from './writer.js';

/** Days back from today whose fingerprints stay in the state even when unchanged (MED re-fetches recent days). */
const FINGERPRINT_DAYS = 40;

const DIRECTIONS: readonly EnergyDirection[] = ['consumption', 'production'];
const ENERGY_TYPES: readonly EnergyType[] = ['daily', 'monthly', 'detailed'];

export interface BackfillPassOptions<S extends BackfillState> {
  /** The destination's name in messages: "VictoriaMetrics accepted nothing: …". */
  title: string;
  writer: TimeSeriesWriter;
  schema: BackfillSchema;
  /** Samples per request. */
  batchSize: number;
  /** Where the summary says the samples went. */
  summaryTarget: string;
  /** How far ahead of now the server stores a sample: days with later samples wait for a later pass. */
  maxAheadMs: number;
  /** The destination's whole state: the engine's part (see state.ts) and what it keeps of its own. */
  state: {
    read(raw: Readonly<Record<string, unknown>>): S;
    store(state: S): Record<string, unknown>;
  };
  /**
   * Samples sent in the last request, and the destination's own state to store once it is accepted: e.g. the
   * run's own figures, which count every sample of the pass (`records`).
   */
  closing?(records: number, previous: S): { kind: string; samples: Sample[]; state: Partial<S> };
}

/** What the parts of a pass share. */
interface PassContext extends NationalDaysPass {
  skipped: Map<string, SkipCounter>;
  /** Per PDL, what needs the user's attention in its costs. */
  costs: Map<string, Record<string, unknown>>;
}

/**
 * One export pass of a time-series destination: national data (Tempo, EcoWatt) first, then every energy stream,
 * the whole history once and then only what is new or changed. On a failure part-way, a DeliveryError carries
 * the state of what the server accepted, so the next pass sends nothing twice and skips nothing.
 */
export async function runBackfillPass<S extends BackfillState>(
  ctx: ExportContext<unknown>,
  options: BackfillPassOptions<S>,
): Promise<ExportOutcome> {
  const { writer, title } = options;
  const previous = options.state.read(ctx.state);
  const previousUncertain = previous.uncertain ?? [];
  const { checkpoint } = ctx;
  /** A state that also names `spans` as of unknown fate, to read back next time, and when they went out. */
  const withUncertain = (state: S, spans: readonly SeriesSpan[]) =>
    options.state.store({
      ...state,
      uncertain: mergeSpans(previousUncertain, spans),
      uncertainSentAt: new Date().toISOString(),
    });
  // A dry run sends nothing, whatever the writer: the batches become payloads. Before each batch goes out, what
  // is confirmed so far and what this batch carries are recorded, so a process killed mid-request leaves the
  // next pass knowing which spans to read back.
  const sender = new BatchSender(
    options.batchSize,
    ctx.dryRun
      ? { ...writer, send: null }
      : {
          ...writer,
          ...(checkpoint
            ? {
                beforeSend: (spans) => checkpoint(withUncertain(confirmed, spans)),
              }
            : {}),
        },
  );
  if (!ctx.dryRun && previousUncertain.length > 0) {
    await untilSettled(previous.uncertainSentAt, ctx.timeoutMs, ctx.signal);
    sender.skipStored(await readBackSpans(writer, previousUncertain));
  }

  // Where a resumed pass picks up changes if this one fails part-way (the core keeps its watermark then).
  const passMark = await ctx.query.changeCursor();
  const confirmed: S = {
    ...previous,
    backfilled: [...previous.backfilled],
    progress: { ...previous.progress },
    tempo: { ...previous.tempo },
    ecowatt: { ...previous.ecowatt },
    fingerprints: { ...previous.fingerprints },
    resumeSince:
      previous.resumeSince ??
      (passMark ? new Date(passMark.getTime() - CHANGE_SAFETY_MARGIN_MS).toISOString() : null),
  };
  const pass: PassContext = {
    ctx,
    sender,
    schema: options.schema,
    maxAheadMs: options.maxAheadMs,
    previous,
    confirmed,
    skipped: new Map(),
    costs: new Map(),
    notes: {},
  };
  const details = () => ({
    samples: sender.confirmedKinds(),
    batches: sender.batches,
    ...skippedDetails(pass),
    ...(pass.costs.size > 0 ? { costs: Object.fromEntries(pass.costs) } : {}),
    ...(sender.alreadyStored > 0 ? { alreadyStored: sender.alreadyStored } : {}),
    ...pass.notes,
  });

  try {
    // National data first, in full batches as it comes; its remainder shares the next batch (an idle pass sends
    // the Tempo season's counts and its own figures in one request).
    if (ctx.exportData.has('tempo')) await sendTempo(pass);
    if (ctx.exportData.has('ecowatt')) await sendEcowatt(pass);
    await sendEnergy(pass);

    const records = sender.added;
    const closing = options.closing?.(records, previous);
    if (closing) sender.addAll(closing.kind, closing.samples);
    await sender.flush();

    return {
      records,
      details: details(),
      // A success moves the core's watermark: no resume point is needed any more.
      state: options.state.store({ ...confirmed, ...closing?.state, resumeSince: null, uncertain: [] }),
      summary: `${records} samples in ${sender.batches} batch(es) to ${options.summaryTarget}`,
      payloads: sender.payloads,
    };
  } catch (error) {
    if (ctx.dryRun) throw error;
    // A batch still in flight may yet be accepted: count it, and leave no request behind.
    await sender.settle();
    const reason = ctx.signal.aborted
      ? 'interrupted before the end'
      : redact(error instanceof Error ? error.message : String(error));
    if (sender.confirmed === 0) {
      const message = `${title} accepted nothing: ${reason}`;
      // A first batch cut mid-body may have left its complete lines on the server (VictoriaMetrics stores them
      // as the body streams in, and keeps a sample sent twice twice): its spans are kept for the next pass to
      // read back.
      if (sender.uncertain.length === 0 || !fateUnknown(error)) throw new DeliveryError(message);
      throw new DeliveryError(message, {
        records: 0,
        details: details(),
        state: withUncertain(previous, sender.uncertain),
      });
    }
    throw new DeliveryError(`${title} stopped accepting samples after ${sender.confirmed}: ${reason}`, {
      records: sender.confirmed,
      details: details(),
      state: withUncertain(confirmed, sender.uncertain),
    });
  }
}

/**
 * A failure after which the server may hold part of the batch without having said so: the connection cut or
 * timed out once the request could have gone out. An HTTP answer is the server's word on the whole request, and
 * a connection refused, a host unknown or a TLS failure carried no request at all.
 */
function fateUnknown(error: unknown): boolean {
  if (error instanceof HttpStatusError) return false;
  return !['refused', 'dns', 'tls-verification', 'tls-protocol', 'http-status'].includes(
    classifyNetworkError(error).kind,
  );
}

/** The longest wait for an uncertain batch to settle: a busy server ends a request it read whole in seconds. */
const SETTLE_MAX_MS = 5_000;

/**
 * Waits until a batch sent at `sentAt` had time to end on the server, before it is read back: a process killed
 * after sending leaves its request to the server, which may still be storing it when the next run starts at
 * once (seen under the chaos suite: the batch read back as absent, then stored twice). The sender itself would
 * have given up after its timeout; a server that read the request whole ends it within seconds.
 */
async function untilSettled(
  sentAt: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  if (sentAt === undefined) return;
  const waitMs = Date.parse(sentAt) + Math.min(timeoutMs, SETTLE_MAX_MS) - Date.now();
  if (waitMs <= 0 || signal.aborted) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    // Capped again: a clock that went back since `sentAt` does not lengthen the wait.
    const timer = setTimeout(done, Math.min(waitMs, SETTLE_MAX_MS));
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Every energy stream (PDL × direction × granularity) the configuration exports: its whole history the first
 * time (resumed where an interrupted backfill stopped), afterwards the days whose rows are new or changed.
 */
async function sendEnergy(pass: PassContext): Promise<void> {
  const { ctx, sender, schema, previous, confirmed } = pass;
  // The core's watermark; after a part-way failure before any success, the point this destination kept.
  const changedSince =
    ctx.changes.changedSince ?? (previous.resumeSince ? new Date(previous.resumeSince) : null);
  const keepFrom = addDays(parisDate(ctx.now), -FINGERPRINT_DAYS);
  const pdls = await ctx.query.listPdls(ctx.settings.pdls);
  const exported = (pdl: Pdl, direction: EnergyDirection) =>
    direction === 'consumption' ? pdl.hasConsumption : pdl.hasProduction;
  // Every direction's changed days are asked at once: each query reads all of the PDL's rows (MyElectricalData
  // has no index on updated_at), and they answer side by side on the pool's connections.
  const changed = new Map<string, Promise<string[]>>();
  if (changedSince) {
    for (const pdl of pdls) {
      for (const direction of DIRECTIONS.filter((each) => exported(pdl, each))) {
        const days = ctx.query.changedDates(direction, pdl.usagePointId, changedSince);
        // Awaited below, unless the pass fails first.
        days.catch(() => undefined);
        changed.set(`${pdl.usagePointId}:${direction}`, days);
      }
    }
  }
  for (const pdl of pdls) {
    for (const direction of DIRECTIONS) {
      if (!exported(pdl, direction)) continue;
      const changedDates = () =>
        changed.get(`${pdl.usagePointId}:${direction}`) ?? Promise.resolve<string[]>([]);
      const streams: {
        type: EnergyType;
        kind: DataKind;
        key: string;
        backfilling: boolean;
        plan: StreamPlan;
      }[] = [];
      for (const type of ENERGY_TYPES) {
        const kind = `${direction}_${type}` as DataKind;
        if (!ctx.exportData.has(kind)) continue;
        const key = `${pdl.usagePointId}:${kind}`;
        const stoppedAt = previous.progress[key];
        const backfilling = !previous.backfilled.includes(key);
        const full = changedSince === null || (backfilling && stoppedAt === undefined);
        const resumeFrom = backfilling && stoppedAt !== undefined ? unitAfter(stoppedAt) : null;
        streams.push({
          type,
          kind,
          key,
          backfilling,
          plan: {
            full,
            changedDates: full ? [] : await changedDates(),
            changedSince,
            resendFrom: earliest(ctx.changes.resendFrom, resumeFrom),
            sent: previous.fingerprints[key] ?? {},
            keepFrom,
          },
        });
      }
      // Consumption by tariff, with its cost, rides on the load curve.
      const detailedPlan = streams.find((stream) => stream.type === 'detailed')?.plan;
      const planned =
        detailedPlan && direction === 'consumption'
          ? await planTariffs({
              query: ctx.query,
              settings: ctx.settings,
              pdl,
              schema,
              sender,
              previous,
              confirmed,
              changedSince,
            })
          : null;
      const tariffs = planned && 'days' in planned ? planned : null;
      if (planned && 'unsplit' in planned) pass.costs.set(pdl.usagePointId, planned.unsplit);
      // The load curve is read from now on, while the daily and monthly streams before it are sent.
      const detailedRows = detailedPlan
        ? readDetailedRows(
            ctx.query,
            direction,
            pdl.usagePointId,
            tariffs ? tariffs.readPlan(detailedPlan) : detailedPlan,
          )
        : undefined;
      try {
        for (const { type, kind, key, backfilling, plan } of streams) {
          const { energy, power } = schema.energySeries(pdl, direction, type);
          const fingerprints = await sendEnergyStream({
            query: ctx.query,
            sender,
            usagePointId: pdl.usagePointId,
            series: sender.series(energy),
            powerSeries: power && type === 'detailed' ? sender.series(power) : null,
            direction,
            type,
            skipped: skipCounter(pass, kind),
            plan,
            ...(type === 'detailed' && detailedRows ? { detailedRows } : {}),
            ...(type === 'detailed' && tariffs ? { tariffs: tariffs.days } : {}),
            onConfirmed: (unit, accepted) => {
              // A resumed stream first re-sends earlier changed days: progress only ever moves forward.
              if (backfilling && unit > (confirmed.progress[key] ?? '')) confirmed.progress[key] = unit;
              // Days accepted before a failure later in this stream must not be sent (stored) twice next time.
              confirmed.fingerprints[key] = { ...confirmed.fingerprints[key], ...accepted };
            },
          });
          // The next stream's samples may share this one's last batch: its end counts once that batch is accepted.
          sender.whenAccepted(() => {
            if (backfilling || plan.full) {
              if (!confirmed.backfilled.includes(key)) confirmed.backfilled.push(key);
              delete confirmed.progress[key];
            }
            confirmed.fingerprints[key] = fingerprints;
            if (type === 'detailed') tariffs?.completed();
          });
          if (type === 'detailed' && tariffs) {
            const costs = tariffs.details();
            if (costs) pass.costs.set(pdl.usagePointId, costs);
          }
        }
      } finally {
        // Reads started for a stream the pass did not get to.
        await detailedRows?.return?.();
      }
    }
  }
}

/** The first day after a day (`YYYY-MM-DD`) or month (`YYYY-MM`) that was fully accepted. */
function unitAfter(unit: string): string {
  if (unit.length === 10) return addDays(unit, 1);
  return addDays(`${unit}-28`, 4).slice(0, 7) + '-01';
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

function skippedDetails(pass: PassContext): Record<string, unknown> {
  const skipped = [...pass.skipped].filter(([, counter]) => counter.total > 0);
  return skipped.length > 0
    ? { skipped: Object.fromEntries(skipped.map(([kind, counter]) => [kind, counter.toJSON()])) }
    : {};
}

function skipCounter(pass: PassContext, kind: string): SkipCounter {
  let counter = pass.skipped.get(kind);
  if (!counter) {
    counter = new SkipCounter();
    pass.skipped.set(kind, counter);
  }
  return counter;
}
