/** One statistic's value per hour, kept in typed arrays of consecutive hours. */
import { HOUR_MS } from '../../domain/durations.js';

/** Hours per block of `HourlySums`: 1024 hours, about six weeks. */
const BLOCK_HOURS = 1024;

interface HourBlock {
  values: Float64Array;
  present: Uint8Array;
}

/** A block entirely after the range asked for (so are all later ones). */
const PAST = 'past';

/**
 * The slots [`first`, `end`) of block `blockIndex` whose hours start in [`fromMs`, `toMs`); null when none
 * does, `PAST` when the block starts at or after `toMs`.
 */
function slotRange(
  blockIndex: number,
  fromMs: number,
  toMs: number,
): { first: number; end: number } | null | typeof PAST {
  const firstHourMs = blockIndex * BLOCK_HOURS * HOUR_MS;
  if (firstHourMs >= toMs) return PAST;
  if (firstHourMs + BLOCK_HOURS * HOUR_MS <= fromMs) return null;
  const first = fromMs > firstHourMs ? Math.ceil((fromMs - firstHourMs) / HOUR_MS) : 0;
  const end = Math.min(BLOCK_HOURS, Math.ceil((toMs - firstHourMs) / HOUR_MS));
  return { first, end };
}

/**
 * Blocks of `HourlySums` handed back once a PDL direction is imported, for the next one: the typed arrays
 * live outside the JavaScript heap and are only freed by a full collection, so reusing them keeps memory flat
 * however many PDLs a pass exports.
 */
export class HourBlockPool {
  private readonly free: HourBlock[] = [];

  take(): HourBlock {
    const block = this.free.pop();
    if (!block) return { values: new Float64Array(BLOCK_HOURS), present: new Uint8Array(BLOCK_HOURS) };
    block.present.fill(0);
    return block;
  }

  give(blocks: Iterable<HourBlock>): void {
    for (const block of blocks) this.free.push(block);
  }
}

/**
 * One statistic's value per hour start: what a `Map<number, number>` would hold, in arrays of consecutive
 * hours (a map keyed by instants costs a hash and an allocation per hour, and the load curve of years has
 * tens of thousands of them). A start that is not a whole hour, which Linky data never produces, is kept
 * aside in a map.
 */
export class HourlySums {
  private readonly blocks = new Map<number, HourBlock>();
  /** The keys of `blocks`, in order. */
  private readonly blockOrder: number[] = [];
  private released = false;
  private readonly unaligned = new Map<number, number>();
  private lastBlockIndex = Number.NaN;
  private lastBlock: HourBlock | undefined;
  private empty = true;

  constructor(private readonly pool: HourBlockPool | null = null) {}

  get isEmpty(): boolean {
    return this.empty;
  }

  /** Hands the blocks to the pool; the sums must not be used any more. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool?.give(this.blocks.values());
    this.blocks.clear();
    this.blockOrder.length = 0;
    this.lastBlock = undefined;
    this.lastBlockIndex = Number.NaN;
  }

  /** Adds `value` to the hour starting at `startMs` (from 0 when the hour is new), like `map.set(h, (map.get(h) ?? 0) + value)`. */
  add(startMs: number, value: number): void {
    if (this.released) throw new Error('hourly sums used after release');
    this.empty = false;
    const hour = startMs / HOUR_MS;
    if (!Number.isInteger(hour)) {
      this.unaligned.set(startMs, (this.unaligned.get(startMs) ?? 0) + value);
      return;
    }
    const blockIndex = Math.floor(hour / BLOCK_HOURS);
    let block = this.lastBlock;
    if (blockIndex !== this.lastBlockIndex || !block) {
      block = this.blocks.get(blockIndex);
      if (!block) {
        block = this.pool
          ? this.pool.take()
          : { values: new Float64Array(BLOCK_HOURS), present: new Uint8Array(BLOCK_HOURS) };
        this.blocks.set(blockIndex, block);
        this.insertBlockIndex(blockIndex);
      }
      this.lastBlockIndex = blockIndex;
      this.lastBlock = block;
    }
    const slot = hour - blockIndex * BLOCK_HOURS;
    if (block.present[slot] === 1) block.values[slot] = block.values[slot]! + value;
    else {
      block.present[slot] = 1;
      block.values[slot] = 0 + value;
    }
  }

  /** How many hours in [`fromMs`, `toMs`) hold a value. */
  count(fromMs: number, toMs: number): number {
    let count = 0;
    if (fromMs < toMs) {
      for (const blockIndex of this.blockOrder) {
        const range = slotRange(blockIndex, fromMs, toMs);
        if (range === null) continue;
        if (range === PAST) break;
        const present = this.blocks.get(blockIndex)!.present;
        for (let slot = range.first; slot < range.end; slot++) count += present[slot]!;
      }
    }
    for (const start of this.unaligned.keys()) if (start >= fromMs && start < toMs) count += 1;
    return count;
  }

  /**
   * Appends the first `limit` hours in [`fromMs`, `toMs`), in order, to `starts` and what each holds to
   * `values`.
   */
  collect(
    fromMs: number,
    toMs: number,
    starts: number[],
    values: number[],
    limit = Number.POSITIVE_INFINITY,
  ): void {
    if (this.unaligned.size === 0) {
      this.scan(fromMs, toMs, limit, (start, value) => {
        starts.push(start);
        values.push(value);
      });
      return;
    }
    const added: [number, number][] = [];
    this.scan(fromMs, toMs, limit, (start, value) => added.push([start, value]));
    for (const [start, value] of this.unaligned)
      if (start >= fromMs && start < toMs) added.push([start, value]);
    added.sort((a, b) => a[0] - b[0]);
    for (const [start, value] of added.slice(0, limit)) {
      starts.push(start);
      values.push(value);
    }
  }

  /** Visits the first `limit` whole hours in [`fromMs`, `toMs`) holding a value, in order. */
  private scan(
    fromMs: number,
    toMs: number,
    limit: number,
    visit: (start: number, value: number) => void,
  ): void {
    if (!(fromMs < toMs) || !(limit > 0)) return;
    let visited = 0;
    for (const blockIndex of this.blockOrder) {
      const range = slotRange(blockIndex, fromMs, toMs);
      if (range === null) continue;
      if (range === PAST) return;
      const block = this.blocks.get(blockIndex)!;
      for (let slot = range.first; slot < range.end; slot++) {
        if (block.present[slot] !== 1) continue;
        visit((blockIndex * BLOCK_HOURS + slot) * HOUR_MS, block.values[slot]!);
        if (++visited >= limit) return;
      }
    }
  }

  /** Keeps `blockOrder` sorted: blocks come in mostly in order, so from its end. */
  private insertBlockIndex(blockIndex: number): void {
    let at = this.blockOrder.length;
    while (at > 0 && this.blockOrder[at - 1]! > blockIndex) at--;
    this.blockOrder.splice(at, 0, blockIndex);
  }

  /** The hours from `fromMs` on, in order, and what each holds. */
  sorted(fromMs: number): { starts: number[]; values: number[] } {
    const starts: number[] = [];
    const values: number[] = [];
    this.collect(fromMs, Number.POSITIVE_INFINITY, starts, values);
    return { starts, values };
  }

  toMap(): Map<number, number> {
    const { starts, values } = this.sorted(Number.NEGATIVE_INFINITY);
    return new Map(starts.map((start, index) => [start, values[index]!]));
  }
}
