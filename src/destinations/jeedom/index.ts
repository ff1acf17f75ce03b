import type { Pdl } from '../../query/types.js';
import { displayUrl } from '../../redact.js';
import { collectCurrentValues } from '../../engines/current-values/current-values.js';
import type { ExportContext, ExportOutcome, Payload } from '../../contract/destination.js';
import { jeedomManifest } from './manifest.js';
import { DeliveryError, defineDestination } from '../../contract/destination.js';
import { jeedomChecks } from './checks.js';
import { JeedomError, apiEndpoint, createJeedomClient } from './client.js';
import { commandIdOf } from './config.js';
import type { JeedomConfig } from './config.js';
import type { EquipmentDefinition } from './format.js';
import {
  commandKey,
  commandSaveParams,
  equipmentDefinitions,
  equipmentSaveParams,
  mappedCommandId,
} from './format.js';
import type { CommandPlan, PlanReport } from './plan.js';
import { planEvents } from './plan.js';
import { sendPlans } from './send.js';
import type { JeedomState } from './state.js';
import { cloneState, readJeedomState, stateRecord } from './state.js';
import type { SyncReport, Target } from './sync.js';
import { emptyReport, syncJeedom } from './sync.js';

export const jeedomDestination = defineDestination({
  ...jeedomManifest,
  test: jeedomChecks,
  exportPass: exportToJeedom,
});

function mappingOf(config: JeedomConfig): Record<string, number> {
  const mapping: Record<string, number> = {};
  for (const [key, value] of Object.entries(config.commands)) {
    const id = commandIdOf(value);
    if (id !== null) mapping[key] = id;
  }
  return mapping;
}

function describe(error: unknown): string {
  if (error instanceof JeedomError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

interface Tally {
  records: number;
  values: Record<string, number>;
  backfilled: string[];
}

function detailsOf(
  sync: SyncReport,
  plan: PlanReport | null,
  tally: Tally,
  jeedom: Record<string, unknown>,
): Record<string, unknown> {
  return {
    jeedom,
    equipments: {
      created: sync.createdEquipments,
      recreated: sync.recreatedEquipments,
      disabled: sync.disabled,
    },
    commands: { created: sync.createdCommands, recreated: sync.recreatedCommands },
    values: tally.values,
    backfilled: tally.backfilled,
    ...(plan && plan.skipped.total > 0 ? { skipped: plan.skipped.toJSON() } : {}),
    ...(plan && plan.missing.length > 0 ? { missing: plan.missing } : {}),
    ...(sync.warnings.length > 0 ? { warnings: sync.warnings } : {}),
  };
}

/** Counts what Jeedom acknowledged and moves the state forward for the commands fully delivered. */
function confirm(plans: readonly CommandPlan[], confirmed: readonly number[], state: JeedomState): Tally {
  const tally: Tally = { records: 0, values: {}, backfilled: [] };
  plans.forEach((plan, index) => {
    const count = confirmed[index] ?? 0;
    const { target } = plan;
    tally.records += count;
    if (count > 0)
      tally.values[target.command.logicalId] = (tally.values[target.command.logicalId] ?? 0) + count;
    if (count !== plan.events.length) return;
    if (target.backfill) {
      state.commands[target.key] = { id: target.cmdId, complete: true };
      if (plan.events.length > 0) tally.backfilled.push(target.label);
    }
    if (plan.signature !== undefined) state.values[target.key] = plan.signature;
    if (plan.tempoThrough !== undefined) state.tempoThrough = plan.tempoThrough;
  });
  return tally;
}

/** Equipments or commands were created: their ids must be kept even if the run fails later. */
function changedJeedom(sync: SyncReport): boolean {
  return (
    sync.createdEquipments.length +
      sync.recreatedEquipments.length +
      sync.createdCommands.length +
      sync.recreatedCommands.length >
    0
  );
}

function summaryOf(
  records: number,
  plans: readonly CommandPlan[],
  endpoint: string,
  sync: SyncReport,
): string {
  const commands = plans.filter((plan) => plan.events.length > 0).length;
  const changes = [
    sync.createdEquipments.length > 0 ? `${sync.createdEquipments.length} equipment(s) created` : '',
    sync.recreatedEquipments.length + sync.recreatedCommands.length > 0
      ? `${sync.recreatedEquipments.length + sync.recreatedCommands.length} deleted item(s) recreated`
      : '',
    sync.disabled.length > 0 ? `${sync.disabled.length} disabled equipment(s) skipped` : '',
  ].filter(Boolean);
  return `${records} values to ${commands} Jeedom command(s) at ${endpoint}${changes.length > 0 ? ` (${changes.join(', ')})` : ''}`;
}

async function exportToJeedom(ctx: ExportContext<JeedomConfig>): Promise<ExportOutcome> {
  const { config, query, now } = ctx;
  const state = readJeedomState(ctx.state);
  const pdls = await query.listPdls(ctx.settings.pdls);
  const definitions = equipmentDefinitions(pdls, ctx.exportData);
  const mapping = mappingOf(config);
  const current = await collectCurrentValues(query, pdls, now);
  if (definitions.length === 0) {
    return {
      records: 0,
      details: {},
      state: ctx.state as Record<string, unknown>,
      summary: 'nothing to export to Jeedom',
      payloads: [],
    };
  }
  if (ctx.dryRun) return dryRun(ctx, pdls, definitions, mapping, state, current);

  const client = await createJeedomClient({
    url: config.url,
    apiKey: config.api_key,
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    caFile: config.ca_file,
    tlsInsecure: config.tls_insecure,
  });
  const working = cloneState(state);
  const sync = emptyReport();
  let targets: Target[];
  let version = '';
  try {
    // Any call needing the key would do; this one also tells which Jeedom answers.
    version = String(await client.call<unknown>('version'));
    targets = await syncJeedom({
      client,
      definitions,
      mapping,
      pdlCount: pdls.length,
      objectId: config.object_id,
      state: working,
      report: sync,
      log: ctx.log,
    });
  } catch (error) {
    const tally: Tally = { records: 0, values: {}, backfilled: [] };
    throw new DeliveryError(
      describe(error),
      changedJeedom(sync)
        ? { records: 0, details: detailsOf(sync, null, tally, { version }), state: stateRecord(working) }
        : undefined,
    );
  }
  const jeedomInfo = { version, key: client.keyScope };

  const { plans, report } = await planEvents({
    query,
    targets,
    current,
    changes: ctx.changes,
    state: working,
  });
  const pending = plans.reduce((sum, plan) => sum + plan.events.length, 0);
  if (pending > 0)
    ctx.log.info(
      `jeedom: sending ${pending} value(s) to ${plans.filter((p) => p.events.length > 0).length} command(s)`,
    );
  const sent = await sendPlans(client, plans, ctx.signal);
  const tally = confirm(plans, sent.confirmed, working);
  const details = detailsOf(sync, report, tally, jeedomInfo);
  if (sent.error !== null) {
    // Partial only when Jeedom kept something: otherwise nothing is confirmed and the state stays as it was.
    const kept = tally.records > 0 || changedJeedom(sync);
    throw new DeliveryError(
      `${describe(sent.error)} (after ${tally.records} value(s) acknowledged)`,
      kept ? { records: tally.records, details, state: stateRecord(working) } : undefined,
    );
  }
  return {
    records: tally.records,
    details,
    state: stateRecord(working),
    summary: summaryOf(tally.records, plans, client.endpoint, sync),
    payloads: [],
  };
}

/**
 * What a run would send, from the state alone (Jeedom is not contacted): equipments and commands the state does
 * not know are shown as created, with their history.
 */
async function dryRun(
  ctx: ExportContext<JeedomConfig>,
  pdls: readonly Pdl[],
  definitions: readonly EquipmentDefinition[],
  mapping: Record<string, number>,
  state: JeedomState,
  current: Awaited<ReturnType<typeof collectCurrentValues>>,
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
