/**
 * The sending of the import messages: one in flight at a time, each statistic's chunks as soon as its hours are
 * final, and what Home Assistant confirmed recorded as it answers.
 */
import type { Payload } from '../../contract/destination.js';
import type { HomeAssistantSocket } from './client.js';
import { isoHour, type RowsChunk } from './encode.js';
import type { DirectionAggregator } from './hour-aggregation.js';
import type { PassDetails } from './statistics-details.js';
import type { SeriesSpec } from './statistic-series.js';
import { RowStream } from './statistic-rows.js';

export interface StatisticsOutcome {
  /** Rows Home Assistant confirmed. */
  rows: number;
  /** Statistic id → ISO start of the last confirmed hour. */
  through: Record<string, string>;
  details: Record<string, unknown>;
  payloads: Payload[];
}

/** Thrown when an import fails part-way: what was confirmed before. */
export class StatisticsImportError extends Error {
  constructor(
    message: string,
    readonly confirmed: StatisticsOutcome,
  ) {
    super(message);
    this.name = 'StatisticsImportError';
  }
}

/** A statistic, and the first hour of its import. */
export interface StatisticWork {
  series: SeriesSpec;
  fromMs: number;
}

export const IMPORT_TYPE = 'recorder/import_statistics';

/** An import message sent, and what its success confirms. */
interface SentImport {
  statisticId: string;
  rows: number;
  /** Rows of this statistic sent in this pass, this message included. */
  sentOfStatistic: number;
  lastStartMs: number;
}

/**
 * Sends the import messages in order with one in flight: the next message is built while Home Assistant
 * handles the previous one, and is sent only once that one succeeded, so a refusal stops the run before
 * anything after it is sent (as when each message was awaited). Confirmations are recorded in `outcome`.
 */
export class ImportSender {
  private inFlight: Promise<void> | null = null;
  private failure: StatisticsImportError | null = null;
  private stopped = false;

  constructor(
    private readonly socket: HomeAssistantSocket,
    private readonly outcome: StatisticsOutcome,
    private readonly details: PassDetails,
  ) {}

  async send(serialize: (id: number) => Buffer, sent: SentImport): Promise<void> {
    await this.settle();
    if (this.stopped) throw new Error('statistics import stopped');
    this.inFlight = this.socket.commandJson(IMPORT_TYPE, serialize).then(
      () => this.confirm(sent),
      (error: unknown) => {
        this.outcome.details = this.details.toJSON();
        this.failure = new StatisticsImportError(
          `importing ${sent.statisticId}: ${(error as Error).message}`,
          this.outcome,
        );
      },
    );
  }

  confirm(sent: SentImport): void {
    this.outcome.rows += sent.rows;
    this.details.perStatistic[sent.statisticId] = sent.sentOfStatistic;
    this.outcome.through[sent.statisticId] = isoHour(sent.lastStartMs);
  }

  /** The refusal of a message, once its answer came. */
  get failed(): StatisticsImportError | null {
    return this.failure;
  }

  /** Waits for the message in flight; throws the refusal of any message sent. */
  async settle(): Promise<void> {
    const inFlight = this.inFlight;
    this.inFlight = null;
    if (inFlight) await inFlight;
    if (this.failure) throw this.failure;
  }

  /** No further message is sent (the pass failed elsewhere). */
  stop(): void {
    this.stopped = true;
  }
}

/**
 * Imports one PDL direction's statistics while its load curve is still being read: a statistic's next chunk
 * goes as soon as its hours are final (`DirectionAggregator.settledBeforeMs`), the chunks are the ones a
 * whole import would send, each statistic's in order, and a statistic's last (partial) chunk once everything
 * is read.
 */
export class DirectionImport {
  private settledMs = Number.NEGATIVE_INFINITY;
  private complete = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly work: readonly StatisticWork[],
    private readonly aggregator: DirectionAggregator,
    private readonly bases: Promise<Map<string, number>>,
    private readonly chunkSize: number,
    private readonly message: (series: SeriesSpec, chunk: RowsChunk, id?: number) => Buffer,
    private readonly sender: ImportSender,
  ) {}

  /** The hours before `beforeMs` are final. */
  settled(beforeMs: number): void {
    this.settledMs = beforeMs;
    this.signal();
  }

  /** Every hour is final. */
  completed(): void {
    this.complete = true;
    this.settledMs = Number.POSITIVE_INFINITY;
    this.signal();
  }

  /** Sends every chunk; resolves once Home Assistant confirmed all of them. */
  async run(): Promise<void> {
    const bases = await this.bases;
    const streams = this.work.map((item) => ({
      series: item.series,
      sent: 0,
      stream: new RowStream(
        this.aggregator.hoursOf(item.series.statisticId),
        item.series.unit,
        item.fromMs,
        bases.get(item.series.statisticId) ?? 0,
        this.chunkSize,
      ),
    }));
    for (;;) {
      const last = this.complete;
      let chunk: RowsChunk | null = null;
      let target: (typeof streams)[number] | undefined;
      // The first statistic (in their usual order) that has a chunk ready.
      for (target of streams) {
        target.stream.advance(this.settledMs);
        chunk = target.stream.take(last);
        if (chunk) break;
      }
      if (!chunk || !target) {
        if (last) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      target.sent += chunk.count;
      const { series } = target;
      const ready = chunk;
      await this.sender.send((id) => this.message(series, ready, id), {
        statisticId: series.statisticId,
        rows: ready.count,
        sentOfStatistic: target.sent,
        lastStartMs: ready.lastStartMs,
      });
    }
    await this.sender.settle();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
