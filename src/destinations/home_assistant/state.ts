/**
 * What this destination remembers between runs (export_state), and where each statistic's import starts.
 */
import { HOUR_MS } from '../../domain/durations.js';

export interface HomeAssistantState {
  /** Statistic id → start of the last hour Home Assistant confirmed, ISO (every hour up to it is right). */
  statistics: Record<string, string>;
  /** MQTT discovery config topics announced by the last run (to clear the ones that disappear). */
  discoveryTopics: string[];
  /** Entity ids set through REST by the last run (to delete the ones that disappear). */
  restEntities: string[];
}

export function readState(raw: Readonly<Record<string, unknown>>): HomeAssistantState {
  const statistics: Record<string, string> = {};
  if (typeof raw.statistics === 'object' && raw.statistics !== null) {
    for (const [id, through] of Object.entries(raw.statistics as Record<string, unknown>)) {
      if (typeof through === 'string' && !Number.isNaN(Date.parse(through))) statistics[id] = through;
    }
  }
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  return {
    statistics,
    discoveryTopics: strings(raw.discovery_topics),
    restEntities: strings(raw.rest_entities),
  };
}

export function writeState(state: HomeAssistantState): Record<string, unknown> {
  return {
    statistics: state.statistics,
    discovery_topics: state.discoveryTopics,
    rest_entities: state.restEntities,
  };
}

export interface ImportStartInput {
  /** No confirmed delivery ever (the core's `changedSince` is null): everything is sent. */
  firstRun: boolean;
  /** Whether Home Assistant lists the statistic (`recorder/list_statistic_ids`). */
  existsInHomeAssistant: boolean;
  /** Last hour confirmed for this statistic by an earlier run, ms. */
  throughMs: number | undefined;
  /** First hour of the earliest day that changed since the last confirmed delivery, ms. */
  earliestChangeMs: number | null;
  /** First hour of the safety window re-sent on every run, ms. */
  overlapStartMs: number;
  /** `--since`: first hour of that day, ms. */
  resendFromMs: number | null;
}

/**
 * The first hour to (re)import for one statistic, `-Infinity` for its whole history: a statistic Home
 * Assistant does not have, or one this destination never confirmed, gets everything; otherwise the earliest
 * of the hour after the last confirmed one, the earliest changed day, the safety window and `--since`.
 */
export function importStartMs(input: ImportStartInput): number {
  if (input.firstRun || !input.existsInHomeAssistant || input.throughMs === undefined) return -Infinity;
  return Math.min(
    input.throughMs + HOUR_MS,
    input.earliestChangeMs ?? Infinity,
    input.overlapStartMs,
    input.resendFromMs ?? Infinity,
  );
}
