import { createHash } from 'node:crypto';
import type { EcowattDay, TempoDay } from '../../query/types.js';
import type { SeriesSpan } from './writer.js';

/**
 * What a time-series destination remembers between confirmed deliveries (stored as JSON by the core, beside
 * what the destination keeps of its own):
 * - `backfilled`: `pdl:kind` streams whose whole history was sent once; a kind enabled later, or a PDL added
 *   later, is backfilled on its first pass even though the run's change window is no longer empty;
 * - `tempo` / `ecowatt`: per month, one slot per day of what was sent (Tempo colour letter, EcoWatt content
 *   fingerprint), so only new or revised days are sent again, however old;
 * - `fingerprints`: per energy stream (`pdl:kind`), what was sent for recent days and for the days handled in
 *   the last pass (see energy-stream.ts); per PDL (`pdl:tariffs`), one slot per day of the Tempo colours its
 *   tariff samples were sent with (see tariff-days.ts);
 * - `progress`: for a backfill interrupted part-way, the last day (month) of each stream that was accepted;
 * - `resumeSince`: after such a failure before any success, where the next pass looks for changes (the core
 *   only has a watermark after a success);
 * - `uncertain`: the series and time spans of batches whose fate is unknown (sent, but neither confirmed nor
 *   refused: cut mid-request, or the process killed before the answer), recorded before each batch is sent; the
 *   next pass reads them back from the server and sends only what it does not hold;
 * - `uncertainSentAt`: when the last of those batches was sent (or failed): a server may still be storing a
 *   request its sender did not live to see answered, so it is read back only once that request had time to end.
 */
export interface BackfillState {
  backfilled: string[];
  progress: Record<string, string>;
  resumeSince: string | null;
  tempo: Record<string, string>;
  ecowatt: Record<string, string>;
  fingerprints: Record<string, Record<string, string>>;
  /** Absent when none. */
  uncertain?: SeriesSpan[];
  /** ISO 8601; absent without `uncertain`. */
  uncertainSentAt?: string;
}

const TEMPO_LETTERS = { BLUE: 'B', WHITE: 'W', RED: 'R' } as const;
const EMPTY_TEMPO_SLOT = '.';
const ECOWATT_SLOT_LENGTH = 6;
const EMPTY_ECOWATT_SLOT = '.'.repeat(ECOWATT_SLOT_LENGTH);
const SLOTS = 31;

function readSpans(value: unknown): SeriesSpan[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { series, fromMs, toMs } = item as Record<string, unknown>;
    if (typeof fromMs !== 'number' || typeof toMs !== 'number' || typeof series !== 'object' || !series)
      return [];
    const { metric, labels, field } = series as Record<string, unknown>;
    if (typeof metric !== 'string' || (field !== undefined && typeof field !== 'string')) return [];
    const key = { metric, labels: stringRecord(labels), ...(field !== undefined ? { field } : {}) };
    return [{ series: key, fromMs, toMs }];
  });
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') result[key] = item;
  return result;
}

/** Reads a stored state defensively: anything unreadable counts as never sent. */
export function readBackfillState(raw: Readonly<Record<string, unknown>>): BackfillState {
  const backfilled = Array.isArray(raw['backfilled'])
    ? raw['backfilled'].filter((item): item is string => typeof item === 'string')
    : [];
  const fingerprints: Record<string, Record<string, string>> = {};
  const fingerprintsRaw = raw['fingerprints'];
  if (typeof fingerprintsRaw === 'object' && fingerprintsRaw !== null && !Array.isArray(fingerprintsRaw)) {
    for (const [stream, byUnit] of Object.entries(fingerprintsRaw))
      fingerprints[stream] = stringRecord(byUnit);
  }
  const resumeSince =
    typeof raw['resumeSince'] === 'string' && !Number.isNaN(Date.parse(raw['resumeSince']))
      ? raw['resumeSince']
      : null;
  const uncertain = readSpans(raw['uncertain']);
  const sentAt = raw['uncertainSentAt'];
  const uncertainSentAt =
    typeof sentAt === 'string' && !Number.isNaN(Date.parse(sentAt)) && uncertain.length > 0 ? sentAt : null;
  return {
    backfilled,
    progress: stringRecord(raw['progress']),
    resumeSince,
    tempo: stringRecord(raw['tempo']),
    ecowatt: stringRecord(raw['ecowatt']),
    fingerprints,
    ...(uncertain.length > 0 ? { uncertain } : {}),
    ...(uncertainSentAt !== null ? { uncertainSentAt } : {}),
  };
}

export function toStoredBackfillState(state: BackfillState): Record<string, unknown> {
  return {
    backfilled: [...new Set(state.backfilled)].sort(),
    ...(Object.keys(state.progress).length > 0 ? { progress: state.progress } : {}),
    ...(state.resumeSince !== null ? { resumeSince: state.resumeSince } : {}),
    tempo: state.tempo,
    ecowatt: state.ecowatt,
    fingerprints: state.fingerprints,
    ...(state.uncertain?.length ? { uncertain: state.uncertain } : {}),
    ...(state.uncertain?.length && state.uncertainSentAt ? { uncertainSentAt: state.uncertainSentAt } : {}),
  };
}

function daySlot(date: string): { month: string; index: number } {
  return { month: date.slice(0, 7), index: Number(date.slice(8, 10)) - 1 };
}

/** A day's slot (`width` characters) of a per-month record of slots; null when the month has none. */
export function slotValue(
  record: Readonly<Record<string, string>>,
  date: string,
  width: number,
): string | null {
  const { month, index } = daySlot(date);
  const slots = record[month];
  if (!slots || slots.length !== SLOTS * width) return null;
  return slots.slice(index * width, (index + 1) * width);
}

/** Sets a day's slot, the month's other days `empty` (whose length is the slots' width) until set. */
export function withSlot(record: Record<string, string>, date: string, value: string, empty: string): void {
  const { month, index } = daySlot(date);
  const width = empty.length;
  let slots = record[month];
  if (!slots || slots.length !== SLOTS * width) slots = empty.repeat(SLOTS);
  record[month] = slots.slice(0, index * width) + value + slots.slice((index + 1) * width);
}

export function tempoAlreadySent(state: BackfillState, day: TempoDay): boolean {
  return slotValue(state.tempo, day.date, 1) === TEMPO_LETTERS[day.color];
}

export function markTempoSent(tempo: Record<string, string>, day: TempoDay): void {
  withSlot(tempo, day.date, TEMPO_LETTERS[day.color], EMPTY_TEMPO_SLOT);
}

/** A short digest of what is sent for an EcoWatt day: a revision with other levels gets another one. */
export function ecowattFingerprint(day: EcowattDay): string {
  return createHash('sha256')
    .update(JSON.stringify([day.level, day.hourlyValues]))
    .digest('base64url')
    .slice(0, ECOWATT_SLOT_LENGTH);
}

export function ecowattAlreadySent(state: BackfillState, day: EcowattDay): boolean {
  return slotValue(state.ecowatt, day.date, ECOWATT_SLOT_LENGTH) === ecowattFingerprint(day);
}

export function markEcowattSent(ecowatt: Record<string, string>, day: EcowattDay): void {
  withSlot(ecowatt, day.date, ecowattFingerprint(day), EMPTY_ECOWATT_SLOT);
}
