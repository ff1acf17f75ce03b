import {
  SkipCounter,
  addDays,
  parisDate,
  tempoRemaining,
  tempoSeasonOf,
  tempoUsed,
} from '../../domain/index.js';
import type { EcowattDay, TempoDay } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import { redact } from '../../redact.js';
import { CHANGE_SAFETY_MARGIN_MS, DeliveryError } from '../../contract/destination.js';
import type { ExportContext, ExportOutcome } from '../../contract/destination.js';
import type { DataKind } from '../../domain/vocabulary.js';
import { BatchSender } from './batch-sender.js';
import { createVictoriaMetricsClient } from './client.js';
import { authOf } from './config.js';
import type { VictoriaMetricsConfig } from './config.js';
import { readDetailedRows, sendEnergyStream } from './energy-stream.js';
import type { StreamPlan } from './energy-stream.js';
import { victoriaMetricsEndpoints } from './endpoints.js';
import { extraLabelValues } from './format.js';
import type { Sample } from './format.js';
import {
  METRICS,
  countPasses,
  ecowattSamples,
  exportRunSamples,
  pdlLabels,
  tempoColorSamples,
  tempoCountSamples,
} from './samples.js';
import type { EnergyType, Labels, PassFigures } from './samples.js';
import {
  ecowattAlreadySent,
  markEcowattSent,
  markTempoSent,
  readState,
  tempoAlreadySent,
  toStoredState,
} from './state.js';
import type { VictoriaMetricsState } from './state.js';

export const DESTINATION_ID = 'victoriametrics';

/**
 * VictoriaMetrics drops samples too far ahead of its clock (lib/storage/storage.go, `Storage.add`: "cannot
 * insert row with too big timestamp", about now + 2 days) while still answering 204. EcoWatt forecasts reach
 * three days ahead: days with samples past this margin wait for a later pass instead of being lost.
 */
const FUTURE_MARGIN_MS = 36 * 3_600_000;

/** Days back from today whose fingerprints stay in the state even when unchanged (MED re-fetches recent days). */
const FINGERPRINT_DAYS = 40;

const DIRECTIONS: readonly EnergyDirection[] = ['consumption', 'production'];
const ENERGY_TYPES: readonly EnergyType[] = ['daily', 'monthly', 'detailed'];

interface PassContext {
  ctx: ExportContext<VictoriaMetricsConfig>;
  sender: BatchSender;
  extra: Labels;
  previous: VictoriaMetricsState;
  /** Only ever holds what VictoriaMetrics accepted: the state a failure part-way can still keep. */
  confirmed: VictoriaMetricsState;
  skipped: Map<string, SkipCounter>;
  notes: Record<string, number>;
}

export async function victoriaMetricsExportPass(
  ctx: ExportContext<VictoriaMetricsConfig>,
): Promise<ExportOutcome> {
  const started = Date.now();
  const { config } = ctx;
  const endpoints = victoriaMetricsEndpoints(config.url);
  const auth = authOf(config);
  const previous = readState(ctx.state);
  const client = ctx.dryRun
    ? null
    : await createVictoriaMetricsClient({
        endpoints,
        auth,
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
        caFile: config.ca_cert,
        tlsInsecure: config.tls_insecure,
      });
  const send = async (body: Buffer) => {
    await client!.importText(body);
    ctx.log.debug(`victoriametrics: batch of ${body.length} bytes accepted by ${endpoints.importUrl}`);
  };
  const sender = new BatchSender(config.batch_size, client ? send : null, endpoints.importUrl);

  // Where a resumed pass picks up changes if this one fails part-way (the core keeps its watermark then).
  const passMark = await ctx.query.changeCursor();
  const pass: PassContext = {
    ctx,
    sender,
    extra: extraLabelValues(config.labels),
    previous,
    confirmed: {
      ...previous,
      backfilled: [...previous.backfilled],
      progress: { ...previous.progress },
      tempo: { ...previous.tempo },
      ecowatt: { ...previous.ecowatt },
      fingerprints: { ...previous.fingerprints },
      resumeSince:
        previous.resumeSince ??
        (passMark ? new Date(passMark.getTime() - CHANGE_SAFETY_MARGIN_MS).toISOString() : null),
    },
    skipped: new Map(),
    notes: {},
  };
  const details = () => ({
    samples: sender.confirmedKinds(),
    batches: sender.batches,
    ...skippedDetails(pass),
    ...pass.notes,
  });

  try {
    // National data first: it is small, and what was confirmed of it stays confirmed if energy fails later
    // (it goes out now, in a batch of its own, while energy is being read).
    if (ctx.exportData.has('tempo')) await sendTempo(pass);
    if (ctx.exportData.has('ecowatt')) await sendEcowatt(pass);
    await sender.sendPending();
    await sendEnergy(pass);

    // The run's own figures go with the last samples, in one last request: they count those too, which is
    // right since the pass only succeeds once VictoriaMetrics accepted that request.
    const records = sender.added;
    const figures: PassFigures = {
      destination: DESTINATION_ID,
      status: 'success',
      records,
      durationMs: Date.now() - started,
    };
    // The other destinations of this pass ran first (runsLast); one that was not due did not run at all.
    const passes = [figures, ...ctx.otherResults.filter((result) => result.status !== 'not_due')];
    const counters = countPasses(previous.counters, passes);
    sender.addAll('export_metrics', exportRunSamples(passes, counters, ctx.now.getTime(), pass.extra));
    await sender.flush();

    return {
      records,
      details: details(),
      // A success moves the core's watermark: no resume point is needed any more.
      state: toStoredState({ ...pass.confirmed, counters, resumeSince: null }),
      summary: `${records} samples in ${sender.batches} batch(es) to ${endpoints.base}`,
      payloads: sender.payloads,
    };
  } catch (error) {
    if (ctx.dryRun) throw error;
    // A batch still in flight may yet be accepted: count it, and leave no request behind.
    await sender.settle();
    const reason = ctx.signal.aborted
      ? 'interrupted before the end'
      : redact(error instanceof Error ? error.message : String(error));
    if (sender.confirmed === 0) throw new DeliveryError(`VictoriaMetrics accepted nothing: ${reason}`);
    throw new DeliveryError(
      `VictoriaMetrics stopped accepting samples after ${sender.confirmed}: ${reason}`,
      {
        records: sender.confirmed,
        details: details(),
        state: toStoredState(pass.confirmed),
      },
    );
  }
}

/**
 * Every energy stream (PDL × direction × granularity) the configuration exports: its whole history the first
 * time (resumed where an interrupted backfill stopped), afterwards the days whose rows are new or changed.
 */
async function sendEnergy(pass: PassContext): Promise<void> {
  const { ctx, sender, previous, confirmed } = pass;
  // The core's watermark; after a part-way failure before any success, the point this destination kept.
  const changedSince =
    ctx.changes.changedSince ?? (previous.resumeSince ? new Date(previous.resumeSince) : null);
  const keepFrom = addDays(parisDate(ctx.now), -FINGERPRINT_DAYS);
  for (const pdl of await ctx.query.listPdls(ctx.settings.pdls)) {
    const labels = pdlLabels(pdl, ctx.config.pdl_name_label);
    for (const direction of DIRECTIONS) {
      if (direction === 'consumption' ? !pdl.hasConsumption : !pdl.hasProduction) continue;
      let changed: Promise<string[]> | null = null;
      const changedDates = () =>
        (changed ??= changedSince
          ? ctx.query.changedDates(direction, pdl.usagePointId, changedSince)
          : Promise.resolve([]));
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
      // The load curve is read from now on, while the daily and monthly streams before it are sent.
      const detailedPlan = streams.find((stream) => stream.type === 'detailed')?.plan;
      const detailedRows = detailedPlan
        ? readDetailedRows(ctx.query, direction, pdl.usagePointId, detailedPlan)
        : undefined;
      try {
        for (const { type, kind, key, backfilling, plan } of streams) {
          const fingerprints = await sendEnergyStream({
            query: ctx.query,
            sender,
            usagePointId: pdl.usagePointId,
            labels,
            extra: pass.extra,
            direction,
            type,
            skipped: skipCounter(pass, kind),
            plan,
            ...(type === 'detailed' && detailedRows ? { detailedRows } : {}),
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
          });
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

function withinFuture(ctx: ExportContext<VictoriaMetricsConfig>, samples: readonly Sample[]): boolean {
  const limit = ctx.now.getTime() + FUTURE_MARGIN_MS;
  return samples.every((sample) => sample.timestampMs <= limit);
}

/**
 * Sends days one by one, in batches that never split a day, and records each day in the confirmed state once
 * its batch was accepted (the caller flushes the last batch). Days too far ahead are deferred to a later pass.
 */
async function sendDays<D extends { date: string }>(
  pass: PassContext,
  days: readonly D[],
  samplesOf: (day: D) => Sample[] | null,
  kind: string,
  markSent: (day: D) => void,
): Promise<void> {
  const { ctx, sender } = pass;
  let pending: D[] = [];
  let deferred = 0;
  const markPending = () => {
    const accepted = pending;
    pending = [];
    sender.whenAccepted(() => accepted.forEach(markSent));
  };
  for (const day of days) {
    const samples = samplesOf(day);
    if (samples === null) continue;
    if (!withinFuture(ctx, samples)) {
      deferred += 1;
      continue;
    }
    if (sender.full) {
      markPending();
      await sender.flushIfFull();
    }
    sender.addAll(kind, samples);
    pending.push(day);
  }
  markPending();
  if (deferred > 0) pass.notes[`${kind}_days_deferred`] = deferred;
}

async function sendTempo(pass: PassContext): Promise<void> {
  const { ctx, sender, extra, previous, confirmed } = pass;
  const days = await ctx.query.tempoDays();
  const resendFrom = ctx.changes.resendFrom;
  await sendDays<TempoDay>(
    pass,
    days,
    (day) =>
      (resendFrom !== null && day.date >= resendFrom) || !tempoAlreadySent(previous, day)
        ? tempoColorSamples(day, extra)
        : null,
    'tempo',
    (day) => markTempoSent(confirmed.tempo, day),
  );
  const today = parisDate(ctx.now);
  const season = tempoSeasonOf(today);
  if (days.some((day) => day.date >= season.start && day.date <= season.end)) {
    const at = ctx.now.getTime();
    sender.addAll('tempo', tempoCountSamples(METRICS.tempoRemaining, tempoRemaining(today, days), at, extra));
    sender.addAll('tempo', tempoCountSamples(METRICS.tempoUsed, tempoUsed(today, days), at, extra));
  }
}

async function sendEcowatt(pass: PassContext): Promise<void> {
  const { ctx, extra, previous, confirmed } = pass;
  const resendFrom = ctx.changes.resendFrom;
  let unplacedHours = 0;
  let unreadableDays = 0;
  await sendDays<EcowattDay>(
    pass,
    await ctx.query.ecowattDays(),
    (day) => {
      if (!(resendFrom !== null && day.date >= resendFrom) && ecowattAlreadySent(previous, day)) return null;
      const result = ecowattSamples(day, extra);
      if (result.hourlyUnreadable) unreadableDays += 1;
      else unplacedHours += result.skippedHours;
      return result.samples;
    },
    'ecowatt',
    (day) => markEcowattSent(confirmed.ecowatt, day),
  );
  if (unreadableDays > 0) pass.notes['ecowatt_days_without_hourly_values'] = unreadableDays;
  if (unplacedHours > 0) pass.notes['ecowatt_hours_skipped_by_dst'] = unplacedHours;
}
