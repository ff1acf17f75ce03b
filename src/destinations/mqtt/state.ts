/** What this destination remembers between runs (export_state). */
export interface MqttState {
  /** Home Assistant discovery config topics announced by the last run (to clear the ones that disappear). */
  discoveryTopics: string[];
  /** Value topics published by the last run (to clear the retained ones that disappear). */
  topics: string[];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

export function readState(raw: Readonly<Record<string, unknown>>): MqttState {
  return { discoveryTopics: strings(raw.discovery_topics), topics: strings(raw.topics) };
}

export function writeState(state: MqttState): Record<string, unknown> {
  return { discovery_topics: state.discoveryTopics, topics: state.topics };
}
