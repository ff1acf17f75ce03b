/** What this destination remembers between runs (export_state). */
export interface MqttState {
  /** Home Assistant discovery config topics announced by the last run (to clear the ones that disappear). */
  discoveryTopics: string[];
}

export function readState(raw: Readonly<Record<string, unknown>>): MqttState {
  return {
    discoveryTopics: Array.isArray(raw.discovery_topics) ? (raw.discovery_topics as string[]) : [],
  };
}

export function writeState(state: MqttState): Record<string, unknown> {
  return { discovery_topics: state.discoveryTopics };
}
