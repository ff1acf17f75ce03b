import type { Payload } from '../destination.js';
import { formatSample } from './format.js';
import type { Sample } from './format.js';

/**
 * Formats samples and sends them in batches of about `batchSize` lines as they come, so a long history never
 * sits in memory. Callers add a day's (or a month's) samples and call `flushIfFull` between days: a batch never
 * splits a day, so "every day up to here was accepted" can be recorded after each batch (it may exceed
 * `batchSize` by one day's samples). Counts only what VictoriaMetrics accepted (`confirmed`, per kind); in
 * dry-run, collects the batches as payloads instead of sending them.
 */
export class BatchSender {
  private lines: string[] = [];
  private pendingByKind = new Map<string, number>();
  private readonly confirmedByKind = new Map<string, number>();
  private confirmedCount = 0;
  private batchCount = 0;
  readonly payloads: Payload[] = [];

  constructor(
    private readonly batchSize: number,
    private readonly send: ((text: string) => Promise<void>) | null,
    private readonly target: string,
  ) {}

  add(kind: string, sample: Sample): void {
    this.lines.push(formatSample(sample));
    this.pendingByKind.set(kind, (this.pendingByKind.get(kind) ?? 0) + 1);
  }

  addAll(kind: string, samples: readonly Sample[]): void {
    for (const sample of samples) this.add(kind, sample);
  }

  /** At a day boundary: sends the pending batch if it is full. True when it did (all added so far is accepted). */
  async flushIfFull(): Promise<boolean> {
    if (this.lines.length < this.batchSize) return false;
    await this.flush();
    return true;
  }

  /** Sends what is pending; afterwards everything added so far is confirmed. */
  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const text = `${this.lines.join('\n')}\n`;
    const count = this.lines.length;
    if (this.send) await this.send(text);
    else this.payloads.push({ target: this.target, body: text });
    this.lines = [];
    this.batchCount += 1;
    this.confirmedCount += count;
    for (const [kind, added] of this.pendingByKind) {
      this.confirmedByKind.set(kind, (this.confirmedByKind.get(kind) ?? 0) + added);
    }
    this.pendingByKind = new Map();
  }

  get confirmed(): number {
    return this.confirmedCount;
  }

  get batches(): number {
    return this.batchCount;
  }

  confirmedKinds(): Record<string, number> {
    return Object.fromEntries(this.confirmedByKind);
  }
}
