import { displayUrl } from '../../redact.js';
import type { CurrentValues } from '../../engines/current-values/current-values.js';
import type { ExportContext, ExportOutcome, Payload } from '../../contract/destination.js';
import type { Pdl } from '../../query/types.js';
import { apiEndpoint } from './client.js';
import type { JeedomConfig } from './config.js';
import type { EquipmentDefinition } from './encode.js';
import { commandKey, commandSaveParams, equipmentSaveParams, mappedCommandId } from './encode.js';
import { detailsOf } from './outcome-details.js';
import { planEvents } from './plan-events.js';
import type { JeedomState } from './state.js';
import { stateRecord } from './state.js';
import { emptyReport } from './sync-equipments.js';
import type { Target } from './sync-equipments.js';

/**
 * What a run would send, from the state alone (Jeedom is not contacted): equipments and commands the state does
 * not know are shown as created, with their history.
 */
export async function dryRun(
  ctx: ExportContext<JeedomConfig>,
  pdls: readonly Pdl[],
  definitions: readonly EquipmentDefinition[],
  mapping: Record<string, number>,
  state: JeedomState,
  current: CurrentValues,
  costInputs: Pick<Parameters<typeof planEvents>[0], 'costs' | 'tempoRepairs'>,
): Promise<ExportOutcome> {
  const endpoint = displayUrl(apiEndpoint(ctx.config.url));
  const payloads: Payload[] = [];
  const targets: Target[] = [];
  for (const definition of definitions) {
    const eqLogicId = state.equipments[definition.key];
    let order = 0;
    for (const command of definition.commands) {
      const key = commandKey(definition, command);
      const mappedId = mappedCommandId(mapping, definition, command, pdls.length);
      const known = state.commands[key];
      const cmdId = mappedId ?? known?.id ?? 0;
      if (mappedId === undefined && !known) {
        if (
          eqLogicId === undefined &&
          !payloads.some((p) => p.target.endsWith(`eqLogic::save ${definition.name}`))
        ) {
          payloads.push({
            target: `${endpoint} eqLogic::save ${definition.name}`,
            body: equipmentSaveParams(definition, ctx.config.object_id),
          });
        }
        payloads.push({
          target: `${endpoint} cmd::save ${command.logicalId}`,
          body: commandSaveParams(command, eqLogicId ?? 0, order),
        });
      }
      order += 1;
      const complete = known !== undefined && known.id === cmdId && known.complete;
      targets.push({
        key,
        equipment: definition,
        command,
        cmdId,
        backfill: !complete,
        mapped: mappedId !== undefined,
        label: `${definition.name} / ${command.name}`,
      });
    }
  }
  const { plans, report } = await planEvents({
    query: ctx.query,
    targets,
    current,
    changes: ctx.changes,
    state,
    ...costInputs,
  });
  let records = 0;
  const values: Record<string, number> = {};
  for (const plan of plans) {
    if (plan.events.length === 0) continue;
    records += plan.events.length;
    values[plan.target.command.logicalId] = (values[plan.target.command.logicalId] ?? 0) + plan.events.length;
    payloads.push({
      target: `${endpoint} cmd::event ${plan.target.label} (#${plan.target.cmdId || 'new'})`,
      body: plan.events,
    });
  }
  return {
    records,
    details: detailsOf(emptyReport(), report, { records, values, backfilled: [] }, {}),
    state: stateRecord(state),
    summary: `${records} values to ${endpoint}`,
    payloads,
  };
}
