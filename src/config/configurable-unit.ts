import type { FieldMap } from './fields.js';

/** What the configuration needs of a destination: its file section, its environment prefixes, its options. */
export interface ConfigurableUnit {
  /** The file section's key and the name on the command line, e.g. `home_assistant`. */
  id: string;
  /** The first is canonical (`HOME_ASSISTANT`), the others aliases (`HOMEASSISTANT`). */
  envPrefixes: readonly string[];
  fields: FieldMap;
}
