import type { ChangedDay, QueryLayer } from './types.js';

/** The small reads the destinations of a pass ask for, often with the same arguments (changed days: below). */
const REPEATED_READS = [
  'listPdls',
  'tempoDays',
  'ecowattDays',
  'offerPriceHistory',
  'tempoDaysChangedSince',
] as const satisfies readonly (keyof QueryLayer)[];

/**
 * How long an answer is reused. A destination's changes are looked for from its last pass's change cursor minus
 * CHANGE_SAFETY_MARGIN_MS (10 minutes): an answer up to a minute older than the cursor of the destination using
 * it still leaves whatever MyElectricalData wrote after that read to the next pass.
 */
const REUSE_MS = 60_000;

/**
 * How much earlier than asked the changed days are read, so that one scan serves every destination of the pass:
 * their `since` are their last pass's cursors minus the same margin, which differ by that pass's length. Each
 * reading of a PDL direction's changed days goes through all of its rows (MyElectricalData has no index on
 * `updated_at`): an idle pass of all five destinations made eight of them.
 */
const CHANGES_WIDENED_MS = 15 * 60_000;

/**
 * Reads whose answers are a few hundred rows each, asked by every destination that shows current values (the 400
 * days of daily rows, MQTT, Home Assistant and Jeedom alike), with the last few of their answers kept: with 50
 * PDLs, keeping every answer for a minute held 20 MB more at the peak of a backfill.
 */
const LARGER_READS = ['dailyRows'] as const satisfies readonly (keyof QueryLayer)[];
const LARGER_ANSWERS_KEPT = 8;

/**
 * The query layer as one export pass sees it: a small read asked again with the same arguments, by the same
 * destination or another, is answered from the first answer instead of another query (an idle cron pass of every
 * destination read the Tempo colours, the offer and the PDLs over twenty times). The rows' readers treat them as
 * read-only; arrays are copied so a caller's sort or push stays its own. Page-wise reads, and the clock
 * (`changeCursor`), always go to the database.
 */
export function passReads(query: QueryLayer, clock: () => number = Date.now): QueryLayer {
  const memoized = { ...query };
  const reuse = (
    names: readonly (keyof QueryLayer)[],
    answers: ReturnType<typeof recentAnswers<unknown>>,
  ) => {
    for (const name of names) {
      const read = query[name] as (...args: unknown[]) => Promise<unknown>;
      (memoized as Record<string, unknown>)[name] = (...args: unknown[]) =>
        answers(`${name}:${JSON.stringify(significant(args))}`, () => ({ answer: read(...args) })).then(
          (value) => (Array.isArray(value) ? [...value] : value),
        );
    }
  };
  reuse(REPEATED_READS, recentAnswers<unknown>(clock));
  reuse(LARGER_READS, recentAnswers<unknown>(clock, LARGER_ANSWERS_KEPT));
  memoized.changedDates = changedDatesFrom(query, clock);
  return memoized;
}

/**
 * The query layer for a destination none of whose rows can have changed since its last pass (its write counts are
 * the same, see run-export): the days changed since then are none, without going through every row to find out.
 */
export function withNothingWritten(query: QueryLayer): QueryLayer {
  return { ...query, changedDays: async () => [], changedDates: async () => [] };
}

/**
 * `changedDates` answered from one reading of the days changed since a little earlier than asked, each day with
 * its latest `updated_at`: a day changed after `since` is one whose latest change is after it, to the microsecond,
 * as PostgreSQL compares them. A `since` earlier than the reading's is read again (and kept, being wider).
 */
function changedDatesFrom(query: QueryLayer, clock: () => number): QueryLayer['changedDates'] {
  const readings = recentAnswers<ChangedDay[], { sinceMs: number }>(clock);
  return async (direction, usagePointId, since) => {
    const days = await readings(
      `${direction}:${usagePointId}`,
      () => {
        const sinceMs = since.getTime() - CHANGES_WIDENED_MS;
        return { sinceMs, answer: query.changedDays(direction, usagePointId, new Date(sinceMs)) };
      },
      (reading) => reading.sinceMs <= since.getTime(),
    );
    const sinceUs = since.getTime() * 1000;
    return days.filter((day) => day.updatedUs > sinceUs).map((day) => day.date);
  };
}

/**
 * Answers kept by key for REUSE_MS: the kept one when it is young enough and `usable`, else a new one from `read`
 * (kept in its place). A failed read is forgotten, so the next call asks again rather than get the failure. Beyond
 * `maxKept` answers, the oldest kept goes.
 */
function recentAnswers<T, Facts extends object = object>(clock: () => number, maxKept = Infinity) {
  const kept = new Map<string, Facts & { answer: Promise<T>; at: number }>();
  return (
    key: string,
    read: () => Facts & { answer: Promise<T> },
    usable: (entry: Facts) => boolean = () => true,
  ): Promise<T> => {
    let entry = kept.get(key);
    if (!entry || clock() - entry.at > REUSE_MS || !usable(entry)) {
      const fresh = { ...read(), at: clock() };
      kept.delete(key);
      kept.set(key, fresh);
      if (kept.size > maxKept) kept.delete(kept.keys().next().value!);
      fresh.answer.catch(() => kept.get(key) === fresh && kept.delete(key));
      entry = fresh;
    }
    return entry.answer;
  };
}

/** `tempoDays()`, `tempoDays(undefined)` and `tempoDays({})` are one read: trailing absent or empty arguments go. */
function significant(args: readonly unknown[]): unknown[] {
  const kept = [...args];
  while (kept.length > 0 && isAbsent(kept.at(-1))) kept.pop();
  return kept;
}

function isAbsent(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return false;
  return Object.values(value).every((field) => field === undefined);
}
