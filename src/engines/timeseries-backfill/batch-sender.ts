import type { Payload } from '../../contract/destination.js';
import { holds, storedSamplesOf } from './uncertain-spans.js';
import type { StoredSamples } from './uncertain-spans.js';
import { NUMBER_MAX_BYTES, writeLineEnd, writeValue } from './line-bytes.js';
import { seriesId, seriesKeyOf } from './series-id.js';
import { seriesLines, seriesPoint } from './series-lines.js';
import type { Series, SeriesPoint } from './series-lines.js';
import type { LineFormat, Sample, SeriesKey, SeriesSpan, TimedValue } from './writer.js';

export type { Series, SeriesPoint } from './series-lines.js';

const INITIAL_BYTES = 64 * 1024;
/** Series of `add` remembered (Tempo colours, EcoWatt, run figures: a few dozen). */
const MAX_REMEMBERED_SERIES = 256;
/** A series' key, and its line start as text (what identifies it across passes). */
interface SeriesInfo {
  key: SeriesKey;
  text: string;
}

/**
 * Writes samples in the writer's line format and sends them in batches of about `batchSize` lines as they come,
 * so a long history never sits in memory. Callers add a day's (or a month's) samples and call `flushIfFull`
 * between days: a batch never splits a day (it may exceed `batchSize` by one day's samples).
 *
 * One batch is sent while the next one is being read and formatted: `flushIfFull` waits for the batch in flight
 * (throwing its failure), starts sending the pending one and returns. What was accepted is told by
 * `whenAccepted`, whose callback runs once everything added before it was accepted, and counted in `confirmed`
 * (per kind in `confirmedKinds`). After a failure nothing more is sent. Without `send` (dry-run), collects the
 * batches as payloads instead of sending them.
 *
 * Lines are written straight into a byte buffer: the bulk of a backfill (`addValue`) costs no object per sample.
 *
 * Before a batch is sent, `beforeSend` is given its series and time spans, and those of the batch still in flight
 * (to record them as uncertain until they are confirmed); `uncertain` tells those of a batch that failed.
 * Samples `skipStored` lists are not written again.
 */
export class BatchSender {
  private buffer: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  /** The buffer of the batch in flight, written again once that batch was sent (so never while it is read). */
  private spare: Buffer | null = null;
  private length = 0;
  private lines = 0;
  private pendingByKind = new Map<string, number>();
  private pendingCallbacks: (() => void)[] = [];
  /** Counted per kind in one go while consecutive samples are of the same kind. */
  private runKind: string | null = null;
  private runCount = 0;
  /** The batch being sent, settled once it was accepted (and counted) or refused. */
  private inFlight: Promise<void> | null = null;
  private inFlightCallbacks: (() => void)[] = [];
  private inFlightCount = 0;
  private inFlightSpans: SeriesSpan[] = [];
  private failure: { error: unknown } | null = null;
  private readonly confirmedByKind = new Map<string, number>();
  private readonly seriesByKey = new Map<string, Series>();
  private confirmedCount = 0;
  private batchCount = 0;
  private readonly infoBySeries = new WeakMap<Series, SeriesInfo>();
  private pendingSpans = new Map<Series, SeriesSpan>();
  /** The span of the series the last line was added to, so consecutive lines of a series skip the lookup. */
  private lastSpanSeries: Series | null = null;
  private lastSpan: SeriesSpan | null = null;
  private failedSpans: SeriesSpan[] = [];
  private stored: StoredSamples | null = null;
  private storedCount = 0;
  readonly payloads: Payload[] = [];

  private readonly format: LineFormat;
  private readonly minTimestampMs: number;
  private readonly send: ((body: Buffer) => Promise<void>) | null;
  private readonly target: string;
  private readonly beforeSend: ((spans: SeriesSpan[]) => Promise<void>) | null;

  constructor(
    private readonly batchSize: number,
    /** See TimeSeriesWriter: the bytes given to `send` are only valid until the promise it returns settles. */
    writer: {
      format: LineFormat;
      target: string;
      send: ((body: Buffer) => Promise<void>) | null;
      beforeSend?: (spans: SeriesSpan[]) => Promise<void>;
    },
  ) {
    this.format = writer.format;
    this.minTimestampMs = writer.format.minTimestampMs;
    this.send = writer.send;
    this.target = writer.target;
    this.beforeSend = writer.beforeSend ?? null;
  }

  /** A series to `addValue` to; throws on a name or label the format refuses. */
  series(key: SeriesKey): Series {
    const text = this.format.seriesPrefix(key.metric, key.labels, key.field);
    const series = seriesLines(this.format, key, text);
    this.infoBySeries.set(series, { key, text });
    return series;
  }

  /** Samples the server already holds (read back): they are not written again, and counted in `alreadyStored`. */
  skipStored(samples: ReadonlyMap<SeriesKey, readonly TimedValue[]>): void {
    const stored = storedSamplesOf(this.format, samples);
    this.stored = stored.size > 0 ? stored : null;
  }

  /** Samples left out because the server already held them. */
  get alreadyStored(): number {
    return this.storedCount;
  }

  /** The series and spans of a batch that failed: the server may hold any part of it. */
  get uncertain(): SeriesSpan[] {
    return this.failedSpans;
  }

  /** Adds a sample, its series' start checked and encoded once per batch sender. */
  add(kind: string, sample: Sample): void {
    const key = seriesId(sample);
    let series = this.seriesByKey.get(key);
    if (!series) {
      // The series, not this first sample of it: its key is what the state names in uncertain spans.
      series = this.series(seriesKeyOf(sample));
      if (this.seriesByKey.size < MAX_REMEMBERED_SERIES) this.seriesByKey.set(key, series);
    }
    this.addValue(kind, series, sample.value, sample.timestampMs);
  }

  addAll(kind: string, samples: readonly Sample[]): void {
    for (const sample of samples) this.add(kind, sample);
  }

  /** Adds a sample of a series: the same line `add` would write, without building a Sample for it. */
  addValue(kind: string, series: Series, value: number, timestampMs: number): void {
    this.check(series, value, timestampMs);
    if (this.stored && this.isStored(series, value, timestampMs)) {
      this.storedCount += 1;
      return;
    }
    this.spanOf(series, timestampMs);
    this.writeLine(series.prefix, value, null, 0, series.suffix, timestampMs);
    this.counted(kind);
  }

  /** Two series of one point (see LineFormat.fieldJoint), to `addPoint` to. */
  point(first: Series, second: Series): SeriesPoint {
    const firstInfo = this.infoBySeries.get(first);
    const secondInfo = this.infoBySeries.get(second);
    if (!firstInfo || !secondInfo) throw new Error('a series must come from this sender');
    return seriesPoint(
      this.format,
      { series: first, key: firstInfo.key },
      { series: second, key: secondInfo.key },
    );
  }

  /**
   * Adds a value of each series of a point at one instant: in one line (counted once) when the format joins
   * them, else a line each as `addValue` writes them (so too when some samples may be stored already).
   */
  addPoint(
    kind: string,
    point: SeriesPoint,
    firstValue: number,
    secondValue: number,
    timestampMs: number,
  ): void {
    const { first, second, joint } = point;
    if (joint === null || this.stored) {
      this.addValue(kind, first, firstValue, timestampMs);
      this.addValue(kind, second, secondValue, timestampMs);
      return;
    }
    this.check(first, firstValue, timestampMs);
    this.check(second, secondValue, timestampMs);
    this.spanOf(first, timestampMs);
    this.spanOf(second, timestampMs);
    this.writeLine(first.prefix, firstValue, joint, secondValue, second.suffix, timestampMs);
    this.counted(kind);
  }

  /** `<prefix><value>[<joint><second value>]<suffix> <timestamp>\n`. */
  private writeLine(
    prefix: Uint8Array,
    value: number,
    joint: Uint8Array | null,
    secondValue: number,
    suffix: Uint8Array,
    timestampMs: number,
  ): void {
    this.reserve(prefix.length + (joint?.length ?? 0) + suffix.length + 3 * NUMBER_MAX_BYTES);
    const buffer = this.buffer;
    buffer.set(prefix, this.length);
    let at = writeValue(buffer, this.length + prefix.length, value);
    if (joint !== null) {
      buffer.set(joint, at);
      at = writeValue(buffer, at + joint.length, secondValue);
    }
    if (suffix.length > 0) {
      buffer.set(suffix, at);
      at += suffix.length;
    }
    this.length = writeLineEnd(buffer, at, timestampMs);
  }

  /** Throws (as the format words it) on a value or timestamp the format cannot carry. */
  private check(series: Series, value: number, timestampMs: number): void {
    if (!Number.isFinite(value)) this.format.formatValue(value);
    if (series.integer && !Number.isSafeInteger(value)) {
      throw new RangeError(`value ${value} of an integer series is not a whole number`);
    }
    if (!Number.isSafeInteger(timestampMs) || timestampMs < this.minTimestampMs) {
      this.format.formatTimestamp(timestampMs);
    }
  }

  /** True when the pending batch has reached `batchSize` lines: `flushIfFull` will send it. */
  get full(): boolean {
    return this.lines >= this.batchSize;
  }

  /**
   * At a day boundary: when the pending batch is full, waits for the batch in flight (throwing its failure) and
   * starts sending the pending one. True when it did. Otherwise a turn of the event loop while a batch is in
   * flight: writing lines awaits nothing unsettled, so its compression, request and answer would wait until then.
   */
  async flushIfFull(): Promise<boolean> {
    if (this.full) {
      await this.startPending();
      return true;
    }
    if (this.inFlight) await new Promise<void>((resolve) => setImmediate(resolve));
    return false;
  }

  /** Sends what is pending and waits until everything added so far is accepted (throws if it was not). */
  async flush(): Promise<void> {
    await this.startPending();
    await this.waitInFlight();
  }

  /**
   * Runs `callback` once everything added so far was accepted: at once when it already was, never when a batch
   * carrying any of it is refused.
   */
  whenAccepted(callback: () => void): void {
    if (this.lines > 0) this.pendingCallbacks.push(callback);
    else if (this.inFlight) this.inFlightCallbacks.push(callback);
    else if (!this.failure) callback();
  }

  /** Waits for the batch in flight, if any, without throwing: after a failure elsewhere, to count it. */
  async settle(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
  }

  get confirmed(): number {
    return this.confirmedCount;
  }

  /** Samples added so far: the confirmed ones, those in flight and those pending. */
  get added(): number {
    return this.confirmedCount + this.inFlightCount + this.lines;
  }

  get batches(): number {
    return this.batchCount;
  }

  confirmedKinds(): Record<string, number> {
    return Object.fromEntries(this.confirmedByKind);
  }

  private isStored(series: Series, value: number, timestampMs: number): boolean {
    const text = this.infoBySeries.get(series)?.text;
    return text !== undefined && this.stored !== null && holds(this.stored, text, timestampMs, value);
  }

  private spanOf(series: Series, timestampMs: number): void {
    let span = series === this.lastSpanSeries ? this.lastSpan : this.pendingSpans.get(series);
    if (!span) {
      const info = this.infoBySeries.get(series);
      if (!info) throw new Error('a series must come from this sender');
      span = { series: info.key, fromMs: timestampMs, toMs: timestampMs };
      this.pendingSpans.set(series, span);
    }
    this.lastSpanSeries = series;
    this.lastSpan = span;
    if (timestampMs < span.fromMs) span.fromMs = timestampMs;
    if (timestampMs > span.toMs) span.toMs = timestampMs;
  }

  private counted(kind: string): void {
    this.lines += 1;
    if (kind === this.runKind) {
      this.runCount += 1;
      return;
    }
    this.endRun();
    this.runKind = kind;
    this.runCount = 1;
  }

  private endRun(): void {
    if (this.runKind !== null) {
      this.pendingByKind.set(this.runKind, (this.pendingByKind.get(this.runKind) ?? 0) + this.runCount);
    }
    this.runKind = null;
    this.runCount = 0;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  private async waitInFlight(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    if (this.failure) throw this.failure.error;
  }

  /**
   * Starts sending the pending lines as the next batch once the batch in flight was accepted. Their spans are
   * recorded (`beforeSend`) while that batch is still in flight, with its spans too: whichever way that one ends,
   * the record covers every sample whose fate is unknown until the next one.
   */
  private async startPending(): Promise<void> {
    if (this.lines === 0 || this.failure) return this.waitInFlight();
    const spans = [...this.pendingSpans.values()];
    const recorded = this.send && this.beforeSend ? this.beforeSend([...this.inFlightSpans, ...spans]) : null;
    // Awaited below, after the batch in flight; until then a failure must not count as unhandled.
    recorded?.catch(() => undefined);
    await this.waitInFlight();
    await recorded?.catch((error: unknown) => {
      this.failure = { error };
      throw error;
    });
    this.endRun();
    const full = this.buffer;
    const body = full.subarray(0, this.length);
    const count = this.lines;
    const byKind = this.pendingByKind;
    const callbacks = this.pendingCallbacks;
    this.length = 0;
    this.lines = 0;
    this.pendingByKind = new Map();
    this.pendingCallbacks = [];
    this.pendingSpans = new Map();
    this.lastSpanSeries = null;
    this.lastSpan = null;
    // The next batch is written into the other buffer while this one is compressed and sent.
    this.buffer = this.spare ?? Buffer.allocUnsafe(INITIAL_BYTES);
    this.spare = null;
    if (!this.send) {
      this.payloads.push({ target: this.target, body: body.toString('utf8') });
      this.spare = full;
      this.accepted(count, byKind, callbacks);
      return;
    }
    this.inFlightCallbacks = callbacks;
    this.inFlightCount = count;
    this.inFlightSpans = spans;
    this.inFlight = this.send(body).then(
      () => {
        this.inFlight = null;
        this.inFlightCount = 0;
        this.inFlightSpans = [];
        this.spare = full;
        this.accepted(count, byKind, this.inFlightCallbacks);
        this.inFlightCallbacks = [];
      },
      (error: unknown) => {
        this.inFlight = null;
        this.inFlightCount = 0;
        this.inFlightSpans = [];
        this.inFlightCallbacks = [];
        this.failedSpans = spans;
        this.failure = { error };
      },
    );
  }

  private accepted(count: number, byKind: Map<string, number>, callbacks: readonly (() => void)[]): void {
    this.batchCount += 1;
    this.confirmedCount += count;
    for (const [kind, added] of byKind) {
      this.confirmedByKind.set(kind, (this.confirmedByKind.get(kind) ?? 0) + added);
    }
    for (const callback of callbacks) callback();
  }
}
