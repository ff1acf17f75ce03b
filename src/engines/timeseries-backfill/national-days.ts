import { parisDate, tempoRemaining, tempoSeasonOf, tempoUsed } from '../../domain/index.js';
import type { EcowattDay, TempoDay } from '../../query/types.js';
import type { ExportContext } from '../../contract/destination.js';
import type { BatchSender } from './batch-sender.js';
import { ecowattAlreadySent, markEcowattSent, markTempoSent, tempoAlreadySent } from './state.js';
import type { BackfillState } from './state.js';
import type { BackfillSchema, Sample } from './writer.js';

/** What sending the national days needs of the pass. */
export interface NationalDaysPass {
  ctx: ExportContext<unknown>;
  sender: BatchSender;
  schema: BackfillSchema;
  /** How far ahead of now the server stores a sample. */
  maxAheadMs: number;
  previous: BackfillState;
  /** Only ever holds what the server accepted. */
  confirmed: BackfillState;
  /** Counts for export_logs.details. */
  notes: Record<string, number>;
}

/** Whether every sample is within what the server stores ahead of its clock. */
function withinFuture(pass: NationalDaysPass, samples: readonly Sample[]): boolean {
  const limit = pass.ctx.now.getTime() + pass.maxAheadMs;
  return samples.every((sample) => sample.timestampMs <= limit);
}

/**
 * Sends days one by one, in batches that never split a day, and records each day in the confirmed state once
 * its batch was accepted (the caller flushes the last batch). Days too far ahead are deferred to a later pass.
 */
async function sendDays<D extends { date: string }>(
  pass: NationalDaysPass,
  days: readonly D[],
  samplesOf: (day: D) => Sample[] | null,
  kind: string,
  markSent: (day: D) => void,
): Promise<void> {
  const { sender } = pass;
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
    if (!withinFuture(pass, samples)) {
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

/** Tempo days not sent yet (or with another colour since), then the current season's counts. */
export async function sendTempo(pass: NationalDaysPass): Promise<void> {
  const { ctx, sender, schema, previous, confirmed } = pass;
  const days = await ctx.query.tempoDays();
  const resendFrom = ctx.changes.resendFrom;
  await sendDays<TempoDay>(
    pass,
    days,
    (day) =>
      (resendFrom !== null && day.date >= resendFrom) || !tempoAlreadySent(previous, day)
        ? schema.tempoDaySamples(day)
        : null,
    'tempo',
    (day) => markTempoSent(confirmed.tempo, day),
  );
  if (!schema.tempoSeasonSamples) return;
  const today = parisDate(ctx.now);
  const season = tempoSeasonOf(today);
  if (days.some((day) => day.date >= season.start && day.date <= season.end)) {
    sender.addAll(
      'tempo',
      schema.tempoSeasonSamples(tempoRemaining(today, days), tempoUsed(today, days), ctx.now.getTime()),
    );
  }
}

/** EcoWatt days not sent yet (or revised since). */
export async function sendEcowatt(pass: NationalDaysPass): Promise<void> {
  const { ctx, schema, previous, confirmed } = pass;
  const resendFrom = ctx.changes.resendFrom;
  let unplacedHours = 0;
  let unreadableDays = 0;
  await sendDays<EcowattDay>(
    pass,
    await ctx.query.ecowattDays(),
    (day) => {
      if (!(resendFrom !== null && day.date >= resendFrom) && ecowattAlreadySent(previous, day)) return null;
      const result = schema.ecowattDaySamples(day);
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
