/** What the Jeedom destination remembers between runs (export_state), read defensively. */

export interface CommandState {
  id: number;
  /** The command's whole history was delivered once; until then every run backfills it. */
  complete: boolean;
}

export interface JeedomState {
  /** `pdl:<PDL>` | `tempo` | `ecowatt` → eqLogic id. */
  equipments: Record<string, number>;
  /** JEEDOM_OBJECT_ID last applied to each equipment (null: none), so a config change moves them once. */
  objects: Record<string, number | null>;
  /** `<equipment key>/<logicalId>` → command. */
  commands: Record<string, CommandState>;
  /** Last confirmed value of the commands sent only when they change (see encode.eventSignature). */
  values: Record<string, string>;
  /** Last Tempo day whose colour was delivered to the history. */
  tempoThrough?: string;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function positiveInt(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

export function readJeedomState(raw: Readonly<Record<string, unknown>>): JeedomState {
  const state: JeedomState = { equipments: {}, objects: {}, commands: {}, values: {} };
  for (const [key, id] of Object.entries(record(raw['equipments']))) {
    const valid = positiveInt(id);
    if (valid !== null) state.equipments[key] = valid;
  }
  for (const [key, id] of Object.entries(record(raw['objects']))) {
    if (id === null || positiveInt(id) !== null) state.objects[key] = id as number | null;
  }
  for (const [key, entry] of Object.entries(record(raw['commands']))) {
    const id = positiveInt(record(entry)['id']);
    if (id !== null) state.commands[key] = { id, complete: record(entry)['complete'] === true };
  }
  for (const [key, value] of Object.entries(record(raw['values']))) {
    if (typeof value === 'string') state.values[key] = value;
  }
  const through = raw['tempoThrough'];
  if (typeof through === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(through)) state.tempoThrough = through;
  return state;
}

export function cloneState(state: JeedomState): JeedomState {
  return structuredClone(state);
}

export function stateRecord(state: JeedomState): Record<string, unknown> {
  return { ...structuredClone(state) };
}
