import type { Payload } from '../../contract/destination.js';
import { holds, storedSamplesOf } from './uncertain-spans.js';
import type { StoredSamples } from './uncertain-spans.js';
import type { LineFormat, Sample, SeriesKey, SeriesSpan, TimedValue } from './writer.js';

/** What every line of one series writes around its value, checked, escaped and UTF-8 encoded once. */
export interface Series {
  readonly prefix: Uint8Array;
  /** Empty unless the format writes something after the value (see LineFormat.seriesSuffix). */
  readonly suffix: Uint8Array;
  /** Values must be whole numbers (SeriesKey.integer). */
  readonly integer: boolean;
}

const NO_SUFFIX = new Uint8Array(0);

/** Room for a value and a timestamp with their separators: `-1.2345678901234567e-300 9007199254740991\n`. */
const NUMBERS_MAX_BYTES = 48;
const INITIAL_BYTES = 64 * 1024;
/** Series of `add` remembered (Tempo colours, EcoWatt, run figures: a few dozen). */
const MAX_REMEMBERED_SERIES = 256;
/** A series' key, and its line start as text (what identifies it across passes). */
interface SeriesInfo {
  key: SeriesKey;
  text: string;
}

/** The spans a batch carries, per series, as lines are added. */
interface PendingSpan {
  info: SeriesInfo;
  fromMs: number;
  toMs: number;
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
 * Before a batch is sent, `beforeSend` is given its series and time spans (to record them as uncertain until it is
 * confirmed); `uncertain` tells those of a batch that failed. Samples `skipStored` lists are not written again.
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
  private failure: { error: unknown } | null = null;
  private readonly confirmedByKind = new Map<string, number>();
  private readonly seriesByKey = new Map<string, Series>();
  private confirmedCount = 0;
  private batchCount = 0;
  private readonly infoBySeries = new WeakMap<Series, SeriesInfo>();
  private pendingSpans = new Map<Series, PendingSpan>();
  /** The span of the series the last line was added to, so consecutive lines of a series skip the lookup. */
  private lastSpanSeries: Series | null = null;
  private lastSpan: PendingSpan | null = null;
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
    const prefix = Buffer.from(text, 'utf8');
    const integer = key.integer === true;
    let series: Series;
    if (this.format.seriesSuffix) {
      const suffix = this.format.seriesSuffix(key);
      series = { prefix, suffix: suffix === '' ? NO_SUFFIX : Buffer.from(suffix, 'utf8'), integer };
    } else {
      if (key.textFields && Object.keys(key.textFields).length > 0) {
        throw new RangeError(`this format writes one value per line, no text fields (${key.metric})`);
      }
      series = { prefix, suffix: NO_SUFFIX, integer };
    }
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
    // Lengths keep the key unambiguous whatever the values hold.
    let key = `${sample.metric.length}:${sample.metric}`;
    if (sample.field !== undefined) key += `=${sample.field.length}:${sample.field}`;
    if (sample.integer) key += 'i';
    for (const name of Object.keys(sample.labels)) {
      const value = sample.labels[name] ?? '';
      key += ` ${name.length}:${name}${value.length}:${value}`;
    }
    for (const [name, value] of Object.entries(sample.textFields ?? {})) {
      key += ` "${name.length}:${name}${value.length}:${value}`;
    }
    let series = this.seriesByKey.get(key);
    if (!series) {
      series = this.series(sample);
      if (this.seriesByKey.size < MAX_REMEMBERED_SERIES) this.seriesByKey.set(key, series);
    }
    this.addValue(kind, series, sample.value, sample.timestampMs);
  }

  addAll(kind: string, samples: readonly Sample[]): void {
    for (const sample of samples) this.add(kind, sample);
  }

  /** Adds a sample of a series: the same line `add` would write, without building a Sample for it. */
  addValue(kind: string, series: Series, value: number, timestampMs: number): void {
    if (!Number.isFinite(value)) this.format.formatValue(value);
    if (series.integer && !Number.isSafeInteger(value)) {
      throw new RangeError(`value ${value} of an integer series is not a whole number`);
    }
    if (!Number.isSafeInteger(timestampMs) || timestampMs < this.minTimestampMs) {
      this.format.formatTimestamp(timestampMs);
    }
    if (this.stored && this.isStored(series, value, timestampMs)) {
      this.storedCount += 1;
      return;
    }
    this.spanOf(series, timestampMs);
    const { prefix, suffix } = series;
    this.reserve(prefix.length + suffix.length + NUMBERS_MAX_BYTES);
    const buffer = this.buffer;
    buffer.set(prefix, this.length);
    let at = this.length + prefix.length;
    if (Number.isSafeInteger(value)) {
      at = writeInteger(buffer, at, value);
    } else {
      // Shortest text that reads back as the same double (see LineFormat).
      const text = String(value);
      for (let index = 0; index < text.length; index++) buffer[at++] = text.charCodeAt(index);
    }
    if (suffix.length > 0) {
      buffer.set(suffix, at);
      at += suffix.length;
    }
    buffer[at++] = 32;
    at = writeInteger(buffer, at, timestampMs);
    buffer[at++] = 10;
    this.length = at;
    this.counted(kind);
  }

  /** True when the pending batch has reached `batchSize` lines: `flushIfFull` will send it. */
  get full(): boolean {
    return this.lines >= this.batchSize;
  }

  /**
   * At a day boundary: when the pending batch is full, waits for the batch in flight (throwing its failure) and
   * starts sending the pending one. True when it did.
   */
  async flushIfFull(): Promise<boolean> {
    if (!this.full) return false;
    await this.startPending();
    return true;
  }

  /**
   * Starts sending what is pending (once the batch in flight was accepted, throwing its failure) without waiting
   * for the answer: `whenAccepted` and `confirmed` tell it.
   */
  async sendPending(): Promise<void> {
    await this.startPending();
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
      span = { info, fromMs: timestampMs, toMs: timestampMs };
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

  /** Waits for the batch in flight, then starts sending the pending lines as the next one. */
  private async startPending(): Promise<void> {
    await this.waitInFlight();
    if (this.lines === 0) return;
    this.endRun();
    const full = this.buffer;
    const body = full.subarray(0, this.length);
    const count = this.lines;
    const byKind = this.pendingByKind;
    const callbacks = this.pendingCallbacks;
    const spans = [...this.pendingSpans.values()].map(({ info, fromMs, toMs }) => ({
      series: info.key,
      fromMs,
      toMs,
    }));
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
    const send = this.send;
    const beforeSend = this.beforeSend;
    const sent = beforeSend ? beforeSend(spans).then(() => send(body)) : send(body);
    this.inFlight = sent.then(
      () => {
        this.inFlight = null;
        this.inFlightCount = 0;
        this.spare = full;
        this.accepted(count, byKind, this.inFlightCallbacks);
        this.inFlightCallbacks = [];
      },
      (error: unknown) => {
        this.inFlight = null;
        this.inFlightCount = 0;
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

/** Writes a safe integer in decimal, as String() would; returns the offset after it. */
function writeInteger(buffer: Buffer, at: number, value: number): number {
  let rest = value;
  if (rest < 0) {
    buffer[at++] = 45;
    rest = -rest;
  }
  let digits = 1;
  for (let power = 10; power <= rest && digits < 16; power *= 10) digits += 1;
  const end = at + digits;
  let index = end;
  do {
    const next = Math.floor(rest / 10);
    buffer[--index] = 48 + (rest - next * 10);
    rest = next;
  } while (rest > 0);
  return end;
}
