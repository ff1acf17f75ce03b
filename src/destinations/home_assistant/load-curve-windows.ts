/** The load curve of a PDL direction read window by window, the next page asked for while one is summed. */
import { addDays } from '../../domain/paris-time.js';
import type { DetailedRow, QueryLayer } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';

/** Days of load curve asked for at once: a few thousand rows, whose index range PostgreSQL reads and sorts quickly. */
const WINDOW_DAYS = 62;

/**
 * The detailed rows of one PDL direction from `fromDay` on (all of them without it), in the order of
 * `detailedPages`, read a window of days at a time. One keyset page over the whole history makes PostgreSQL
 * sort every remaining row for each page (the order on `coalesce(interval_start, '')` is not the index's),
 * while a window is an index range of a few thousand rows. A window ending before its last day jumps to the next
 * day that has rows, so gaps in the history, and its end, cost one query each.
 */
export async function* detailedWindows(
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
    let lastDay: string | undefined;
    for await (const page of query.detailedPages(direction, usagePointId, { from: start, to })) {
      lastDay = page.at(-1)?.date ?? lastDay;
      yield page;
    }
    // A window that ends before its last day is followed by a gap (the end of the history on every later run):
    // the next day with rows is asked for, not the next window.
    start = lastDay === to ? addDays(to, 1) : await firstDayFrom(addDays(lastDay ?? to, 1));
  }
}

/** The pages of `source`, each next one already asked for while the caller works on the current one. */
export async function* prefetched<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
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
