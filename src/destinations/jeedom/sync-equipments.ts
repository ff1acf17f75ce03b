import type { Logger } from '../../logger.js';
import type { JeedomClient } from './client.js';
import type { CommandDefinition } from './commands.js';
import type { EquipmentDefinition } from './encode.js';
import {
  VIRTUAL_PLUGIN,
  commandKey,
  commandSaveParams,
  equipmentSaveParams,
  mappedCommandId,
} from './encode.js';
import { JEEDOM_CODE, JeedomError, isJeedomRpcError } from './rpc-errors.js';
import type { JeedomState } from './state.js';

/** An info command values are sent to. */
export interface Target {
  key: string;
  equipment: EquipmentDefinition;
  command: CommandDefinition;
  cmdId: number;
  /** The whole history is (re)sent: new, recreated, newly mapped, or a backfill that never completed. */
  backfill: boolean;
  /** A user's own command from JEEDOM_COMMANDS. */
  mapped: boolean;
  /** Human name for logs: `MyElectricalData Maison / Consommation journalière`. */
  label: string;
}

export interface SyncReport {
  createdEquipments: string[];
  recreatedEquipments: string[];
  createdCommands: string[];
  recreatedCommands: string[];
  /** Equipments disabled in Jeedom: cmd.class.php event() drops their values, so nothing is sent to them. */
  disabled: string[];
  warnings: string[];
}

/**
 * A row of eqLogic::byType / eqLogic::save (utils::o2a). Ids and flags are strings under PHP 7 (Jeedom 4.4);
 * under PHP 8 numbers in lists and the new id a string from `save` (4.5.3): every id goes through Number().
 */
interface EqLogicRow {
  id: string | number;
  name: string;
  logicalId: string | null;
  object_id: string | number | null;
  isEnable: string | number;
}

/** A row of cmd::byEqLogicId / cmd::byId (cmd.class.php exportApi). */
interface CmdRow {
  id: string | number;
  name: string;
  logicalId: string | null;
  type: string;
  subType: string;
  eqLogic_id: string | number;
}

export function emptyReport(): SyncReport {
  return {
    createdEquipments: [],
    recreatedEquipments: [],
    createdCommands: [],
    recreatedCommands: [],
    disabled: [],
    warnings: [],
  };
}

const asId = (value: string | number | null | undefined) =>
  value === null || value === undefined ? null : Number(value);

/**
 * Finds or creates every equipment and command, recording their ids in `state` as it goes (so a failure part way
 * leaves a state that points at what exists). Commands are found by their stable logicalId when the id in the
 * state is gone, so a lost state never creates duplicates; what the state knew and Jeedom no longer has is
 * recreated and reported.
 */
export async function syncJeedom(options: {
  client: JeedomClient;
  definitions: readonly EquipmentDefinition[];
  mapping: Readonly<Record<string, number>>;
  pdlCount: number;
  objectId: number | undefined;
  state: JeedomState;
  report: SyncReport;
  log: Logger;
}): Promise<Target[]> {
  const { client, definitions, mapping, pdlCount, objectId, state, report, log } = options;
  const targets: Target[] = [];
  const needsOwn = definitions.some((definition) =>
    definition.commands.some(
      (command) => mappedCommandId(mapping, definition, command, pdlCount) === undefined,
    ),
  );
  // A box without any virtual equipment yet answers "ok" in 4.5 (client.list).
  const existing = needsOwn ? await client.list<EqLogicRow>('eqLogic::byType', { type: VIRTUAL_PLUGIN }) : [];

  for (const definition of definitions) {
    const own: CommandDefinition[] = [];
    for (const command of definition.commands) {
      const mappedId = mappedCommandId(mapping, definition, command, pdlCount);
      if (mappedId === undefined) own.push(command);
      else {
        const target = await mappedTarget(client, definition, command, mappedId, state, report);
        if (target) targets.push(target);
      }
    }
    if (own.length === 0) continue;

    const eqLogic = await ensureEquipment(client, definition, existing, objectId, state, report, log);
    if (Number(eqLogic.isEnable) !== 1) {
      report.disabled.push(eqLogic.name);
      log.warn(
        `jeedom: equipment "${eqLogic.name}" is disabled in Jeedom, which ignores every value sent to it: enable it to receive data`,
      );
      continue;
    }
    const eqLogicId = Number(eqLogic.id);
    const cmds = await client.list<CmdRow>('cmd::byEqLogicId', { eqLogic_id: eqLogicId });
    for (const [index, command] of own.entries()) {
      const key = commandKey(definition, command);
      const known = state.commands[key];
      const label = `${eqLogic.name} / ${command.name}`;
      const found =
        (known && cmds.find((cmd) => asId(cmd.id) === known.id && cmd.type === 'info')) ??
        cmds.find((cmd) => cmd.logicalId === command.logicalId && cmd.type === 'info');
      let cmdId: number;
      if (found) {
        cmdId = Number(found.id);
      } else {
        const saved = await saveCommand(client, command, eqLogicId, index, label);
        cmdId = Number(saved.id);
        if (known) {
          report.recreatedCommands.push(label);
          log.warn(
            `jeedom: command "${label}" had been deleted in Jeedom: recreated, its history is sent again`,
          );
        } else {
          report.createdCommands.push(label);
        }
      }
      const complete = known?.id === cmdId && known.complete;
      state.commands[key] = { id: cmdId, complete };
      targets.push({ key, equipment: definition, command, cmdId, backfill: !complete, mapped: false, label });
    }
  }
  return targets;
}

async function ensureEquipment(
  client: JeedomClient,
  definition: EquipmentDefinition,
  existing: readonly EqLogicRow[],
  objectId: number | undefined,
  state: JeedomState,
  report: SyncReport,
  log: Logger,
): Promise<EqLogicRow> {
  const knownId = state.equipments[definition.key];
  let eqLogic =
    (knownId !== undefined ? existing.find((row) => asId(row.id) === knownId) : undefined) ??
    existing.find((row) => row.logicalId === definition.logicalId);
  const wantedObject = objectId ?? null;
  if (!eqLogic) {
    try {
      eqLogic = await client.call<EqLogicRow>('eqLogic::save', equipmentSaveParams(definition, objectId));
    } catch (error) {
      throw explainDuplicate(error, `an equipment named "${definition.name}"`, objectId);
    }
    if (knownId !== undefined) {
      report.recreatedEquipments.push(definition.name);
      log.warn(
        `jeedom: equipment "${definition.name}" had been deleted in Jeedom: recreated with its commands`,
      );
    } else {
      report.createdEquipments.push(definition.name);
      log.info(`jeedom: created equipment "${definition.name}"`);
    }
  } else if (
    definition.key in state.objects &&
    state.objects[definition.key] !== wantedObject &&
    asId(eqLogic.object_id) !== wantedObject
  ) {
    // JEEDOM_OBJECT_ID changed since it was last applied: move the equipment (a move made by hand in Jeedom is
    // otherwise left alone).
    eqLogic = await client.call<EqLogicRow>('eqLogic::save', {
      id: Number(eqLogic.id),
      eqType_name: VIRTUAL_PLUGIN,
      object_id: wantedObject ?? '',
    });
  }
  state.equipments[definition.key] = Number(eqLogic.id);
  state.objects[definition.key] = wantedObject;
  return eqLogic;
}

async function saveCommand(
  client: JeedomClient,
  command: CommandDefinition,
  eqLogicId: number,
  order: number,
  label: string,
): Promise<CmdRow> {
  try {
    return await client.call<CmdRow>('cmd::save', commandSaveParams(command, eqLogicId, order));
  } catch (error) {
    throw explainDuplicate(error, `a command named "${command.name}" in this equipment`, undefined, label);
  }
}

/** install/database.json: UNIQUE (name, object_id) on eqLogic and (eqLogic_id, name) on cmd. */
function explainDuplicate(
  error: unknown,
  what: string,
  objectId: number | undefined,
  label?: string,
): unknown {
  if (!isJeedomRpcError(error) || !(error.details.jeedomMessage ?? '').includes('Duplicate entry'))
    return error;
  return new JeedomError(
    'rpc',
    error.method,
    `${error.message}: Jeedom already has ${what}${objectId !== undefined ? ` in object ${objectId}` : ''} that med-export did not create${label ? ` (${label})` : ''}`,
    'rename or delete that one in Jeedom, then run the export again',
    error.details,
  );
}

async function mappedTarget(
  client: JeedomClient,
  definition: EquipmentDefinition,
  command: CommandDefinition,
  cmdId: number,
  state: JeedomState,
  report: SyncReport,
): Promise<Target | null> {
  const key = commandKey(definition, command);
  const setting = `JEEDOM_COMMANDS ${command.logicalId} → ${cmdId}`;
  let cmd: CmdRow;
  try {
    cmd = await client.call<CmdRow>('cmd::byId', { id: cmdId });
  } catch (error) {
    if (isJeedomRpcError(error, JEEDOM_CODE.cmdNotFound)) {
      throw new JeedomError(
        'rpc',
        'cmd::byId',
        `${setting}: Jeedom has no command ${cmdId}`,
        'fix JEEDOM_COMMANDS with the id shown in the command configuration (cog icon), or remove the entry to let med-export create the command',
        error.details,
      );
    }
    throw error;
  }
  if (cmd.type !== 'info') {
    throw new JeedomError(
      'rpc',
      'cmd::byId',
      `${setting}: command "${cmd.name}" is an ${cmd.type} command, values can only be sent to info commands`,
      'map an info command',
    );
  }
  if (cmd.subType !== command.subType) {
    report.warnings.push(
      `${setting}: command "${cmd.name}" is ${cmd.subType}, med-export sends ${command.subType} values to it`,
    );
  }
  const eqLogic = await client.call<EqLogicRow>('eqLogic::byId', { id: Number(cmd.eqLogic_id) });
  const known = state.commands[key];
  const complete = known?.id === cmdId && known.complete;
  state.commands[key] = { id: cmdId, complete };
  const label = `${eqLogic.name} / ${cmd.name}`;
  if (Number(eqLogic.isEnable) !== 1) {
    if (!report.disabled.includes(eqLogic.name)) report.disabled.push(eqLogic.name);
    return null;
  }
  return { key, equipment: definition, command, cmdId, backfill: !complete, mapped: true, label };
}
