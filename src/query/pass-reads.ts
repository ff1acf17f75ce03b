import type { QueryLayer } from './types.js';

/** The small reads the destinations of a pass ask for, often with the same arguments. */
const REPEATED_READS = [
  'listPdls',
  'changedDates',
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
 * The query layer as one export pass sees it: a small read asked again with the same arguments, by the same
 * destination or another, is answered from the first answer instead of another query (an idle cron pass of every
 * destination read the Tempo colours, the offer and the PDLs over twenty times). The rows' readers treat them as
 * read-only; arrays are copied so a caller's sort or push stays its own. Page-wise reads, and the clock
 * (`changeCursor`), always go to the database.
 */
export function passReads(query: QueryLayer, clock: () => number = Date.now): QueryLayer {
  const answers = new Map<string, { at: number; answer: Promise<unknown> }>();
  const memoized = { ...query };
  for (const name of REPEATED_READS) {
    const read = query[name] as (...args: unknown[]) => Promise<unknown>;
    (memoized as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const key = `${name}:${JSON.stringify(significant(args))}`;
      let kept = answers.get(key);
      if (!kept || clock() - kept.at > REUSE_MS) {
        const fresh = { at: clock(), answer: read(...args) };
        answers.set(key, fresh);
        // A failed read is asked again next time, not answered with the failure.
        fresh.answer.catch(() => answers.get(key) === fresh && answers.delete(key));
        kept = fresh;
      }
      return kept.answer.then((value) => (Array.isArray(value) ? [...value] : value));
    };
  }
  return memoized;
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
