import type { ConfigurableUnit } from '../config/configurable-unit.js';
import type { ConfigOf, FieldMap } from '../config/fields.js';
import type { QueryLayer } from '../query/types.js';
import type { Logger } from '../logger.js';
import type { ExportStatus } from '../db/tables.js';
import type { DataKind } from '../domain/vocabulary.js';
import type { RunSettings } from '../config/run-settings.js';
import { MINUTE_MS } from '../domain/durations.js';

/**
 * A row committed by a MyElectricalData sync that was still running when a pass started reading carries an
 * `updated_at` (its transaction's start, or the app's clock) up to this much older than that start: the next
 * pass re-reads this far back so such a row is never skipped.
 */
export const CHANGE_SAFETY_MARGIN_MS = 10 * MINUTE_MS;

export interface ChangeWindow {
  /**
   * Rows with `updated_at` after this instant are new or changed since this destination's last confirmed
   * delivery (already moved back by the safety margin). `null`: nothing was ever delivered, send everything.
   */
  changedSince: Date | null;
  /** `--since YYYY-MM-DD`: the user asks to re-send everything from that day on. */
  resendFrom: string | null;
}

export interface ExportContext<C> {
  config: C;
  exportData: ReadonlySet<DataKind>;
  settings: RunSettings;
  query: QueryLayer;
  /** What this destination stored after its last confirmed delivery (`{}` the first time). */
  state: Readonly<Record<string, unknown>>;
  changes: ChangeWindow;
  dryRun: boolean;
  now: Date;
  /** Network timeout for one request, in ms. */
  timeoutMs: number;
  log: Logger;
  signal: AbortSignal;
  /**
   * Where a long pass says what it is doing and how far it is, for the spinner on a terminal. Optional so a
   * test's context may leave it out; the runner always gives one (a no-op when nothing is shown), so call it
   * as `ctx.progress?.report(…)`, at most every few hundred rows.
   */
  progress?: ProgressReporter;
  /**
   * For a destination declared `runsLast`: how the other destinations of this pass ended (they ran before it).
   * Empty for the others.
   */
  otherResults: readonly PassResult[];
  /**
   * Records the destination's state as it stands part-way through the pass (what is confirmed so far, what is
   * in flight), without ending the run: should the process die (SIGKILL, power cut), the next run resumes from
   * it instead of from the last completed run. Absent in a dry run.
   */
  checkpoint?(state: Record<string, unknown>): Promise<void>;
}

/** What a pass is doing now, e.g. `report('importing statistics', 1200, 48000, 'rows')`. */
export interface ProgressReporter {
  report(activity: string, done?: number, total?: number, unit?: string): void;
}

export const SILENT_PROGRESS: ProgressReporter = { report: () => {} };

/** How one destination's export ended in this pass. */
/** How a destination's run ended: what export_logs records, or `not_due` when it did not run. */
export type ResultStatus = Exclude<ExportStatus, 'running'> | 'not_due';

export interface PassResult {
  destination: string;
  status: ResultStatus;
  records: number;
  durationMs: number;
}

/** In dry-run mode, what would have been sent, where. */
export interface Payload {
  target: string;
  body: unknown;
}

export interface ExportOutcome {
  /** Records (messages, samples, statistic rows, values) the destination confirmed. */
  records: number;
  /** Per data kind counts, what was skipped and why: stored in export_logs.details. */
  details: Record<string, unknown>;
  /** The destination's state after this delivery; persisted only together with the success row. */
  state: Record<string, unknown>;
  /** One line for humans, e.g. "42 messages to mqtt://broker:1883". */
  summary: string;
  /** Filled in dry-run mode only. */
  payloads: Payload[];
}

/**
 * A delivery that failed. `confirmed`, when given, is the state to keep: what the destination acknowledged
 * before the failure (and what it may hold without having acknowledged it), so nothing confirmed is re-sent
 * needlessly, nothing is stored twice and nothing unconfirmed is skipped. The run is recorded as `partial` when
 * records were acknowledged, else as `error`.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly confirmed?: Pick<ExportOutcome, 'records' | 'details' | 'state'>,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface Check {
  name: string;
  ok: boolean;
  /** What was found (a version, a count) or, on failure, what went wrong. */
  detail?: string;
  /** On failure: what the user should do. */
  hint?: string;
}

export interface TestContext<C> {
  config: C;
  settings: RunSettings;
  timeoutMs: number;
  log: Logger;
}

/**
 * What the core needs to know of a destination without loading its code: its configuration (read at every
 * start) and how to load the rest. Each destination folder has one (`manifest.ts`), listed in the registry.
 */
export interface DestinationManifest<M extends FieldMap = FieldMap> extends ConfigurableUnit {
  title: string;
  /** Environment prefixes: the first is canonical (`HOME_ASSISTANT`), the others aliases (`HOMEASSISTANT`). */
  envPrefixes: readonly string[];
  /** Options besides the common enabled/interval/export_data/timeout. */
  fields: M;
  /**
   * Which server (and namespace on it) the configuration points at, secrets never included: what the
   * destination's stored state belongs to. When it changes, the next pass starts from empty state and sends
   * the whole history to the new target. Build it with `describeTarget`.
   */
  target(config: ConfigOf<M>): string;
  load(): Promise<Destination>;
}

/**
 * A target identity: the URL without its credentials, query or trailing slash, then the options naming a
 * namespace on that server, e.g. `mqtt://broker:1883 topic_prefix=myelectricaldata`.
 */
export function describeTarget(url: URL, namespace: Record<string, unknown> = {}): string {
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  clean.search = '';
  clean.hash = '';
  const qualifiers = Object.entries(namespace)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [clean.href.replace(/\/+$/, ''), ...qualifiers].join(' ');
}

export interface Destination<M extends FieldMap = FieldMap> extends DestinationManifest<M> {
  /** Runs after the other destinations of the pass and sees their results (e.g. to export run metrics). */
  runsLast?: boolean;
  /** Cheap checks that write nothing lasting; each failure says what to fix. */
  test(ctx: TestContext<ConfigOf<M>>): Promise<Check[]>;
  exportPass(ctx: ExportContext<ConfigOf<M>>): Promise<ExportOutcome>;
}

/**
 * Lets a destination module declare itself with its config type inferred from its fields, and hands the
 * registry the erased form. The core gives each destination exactly the options its own fields produced
 * (config/load-config.ts), a link by key that TypeScript cannot follow, hence the one cast here.
 */
export function defineDestination<M extends FieldMap>(destination: Destination<M>): Destination {
  return destination as unknown as Destination;
}

/** The same for a manifest: `satisfies` keeps its field types for the destination's own module. */
export function defineManifest<M extends FieldMap>(manifest: DestinationManifest<M>): DestinationManifest<M> {
  return manifest;
}
