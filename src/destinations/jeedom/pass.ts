import { collectCurrentValues } from '../../engines/current-values/current-values.js';
import type { CurrentValues } from '../../engines/current-values/current-values.js';
import { billsCosts } from '../../engines/current-values/day-costs.js';
import { loadPdlCosts } from '../../engines/costs/pdl-costs.js';
import type { PdlCosts } from '../../engines/costs/pdl-costs.js';
import { tempoRepairDates } from '../../engines/costs/tempo-repair.js';
import type { Pdl } from '../../query/types.js';
import { DeliveryError } from '../../contract/destination.js';
import type { ExportContext, ExportOutcome } from '../../contract/destination.js';
import { createJeedomClient } from './client.js';
import { clientOptionsOf, mappingOf } from './config.js';
import type { JeedomConfig } from './config.js';
import { dryRun } from './dry-run.js';
import { describeError } from './rpc-errors.js';
import { equipmentDefinitions } from './encode.js';
import type { StoredData } from './encode.js';
import { detailsOf, emptyTally } from './outcome-details.js';
import type { Tally } from './outcome-details.js';
import type { CommandPlan } from './plan-events.js';
import { planEvents } from './plan-events.js';
import { startSending } from './send-events.js';
import type { JeedomState } from './state.js';
import { cloneState, readJeedomState, stateRecord } from './state.js';
import type { SyncReport } from './sync-equipments.js';
import { emptyReport, syncJeedom } from './sync-equipments.js';

/** Counts what Jeedom acknowledged and moves the state forward for the commands fully delivered. */
function confirm(plans: readonly CommandPlan[], confirmed: readonly number[], state: JeedomState): Tally {
  const tally = emptyTally();
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

/**
 * The costed PDLs' costs (only when a consumption daily or monthly kind is exported), and what the database
 * holds that decides which commands exist.
 */
async function storedData(
  ctx: ExportContext<JeedomConfig>,
  pdls: readonly Pdl[],
  current: CurrentValues,
): Promise<{ stored: StoredData; costs: Map<string, PdlCosts> }> {
  const costs = new Map<string, PdlCosts>();
  if (ctx.exportData.has('consumption_daily') || ctx.exportData.has('consumption_monthly')) {
    for (const pdl of pdls) {
      if (!pdl.hasConsumption) continue;
      const loaded = await loadPdlCosts(ctx.query, ctx.settings, pdl);
      if (billsCosts(loaded)) costs.set(pdl.usagePointId, loaded);
    }
  }
  const withoutYesterday = new Set<string>();
  for (const { pdl, consumption, production } of current.pdls) {
    if (!consumption?.yesterday) withoutYesterday.add(`${pdl.usagePointId}/consumption`);
    if (!production?.yesterday) withoutYesterday.add(`${pdl.usagePointId}/production`);
  }
  return { stored: { withoutYesterday, costed: new Set(costs.keys()) }, costs };
}

/** One export pass: find or create the equipments and commands, then send what changed (everything the first time). */
export async function exportToJeedom(ctx: ExportContext<JeedomConfig>): Promise<ExportOutcome> {
  const { config, query, now } = ctx;
  const state = readJeedomState(ctx.state);
  const pdls = await query.listPdls(ctx.settings.pdls);
  const mapping = mappingOf(config);
  const current = await collectCurrentValues(query, pdls, now);
  const { stored, costs } = await storedData(ctx, pdls, current);
  const definitions = equipmentDefinitions(pdls, ctx.exportData, stored);
  const costInputs = { costs, tempoRepairs: await tempoRepairDates(query, ctx.changes.changedSince) };
  if (definitions.length === 0) {
    return {
      records: 0,
      details: {},
      state: ctx.state as Record<string, unknown>,
      summary: 'nothing to export to Jeedom',
      payloads: [],
    };
  }
  if (ctx.dryRun) return dryRun(ctx, pdls, definitions, mapping, state, current, costInputs);

  const client = createJeedomClient({
    ...clientOptionsOf(config, ctx.log),
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
  });
  try {
    const working = cloneState(state);
    const sync = emptyReport();
    let version = '';
    let targets;
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
      throw new DeliveryError(
        describeError(error),
        changedJeedom(sync)
          ? {
              records: 0,
              details: detailsOf(sync, null, emptyTally(), { version }),
              state: stateRecord(working),
            }
          : undefined,
      );
    }
    const jeedomInfo = { version, key: client.keyScope };

    const sender = startSending(client, config.concurrency, ctx.signal);
    let planned;
    try {
      planned = await planEvents({
        query,
        targets,
        current,
        changes: ctx.changes,
        state: working,
        ...costInputs,
        onPlan: (plan, index) => sender.send(plan, index),
        sent: () => sender.sent(),
      });
    } catch (error) {
      // Values already acknowledged are sent again next run: history is REPLACE INTO by (cmd, datetime).
      await sender.stop();
      throw error;
    }
    const { plans, report } = planned;
    const pending = plans.reduce((sum, plan) => sum + plan.events.length, 0);
    if (pending > 0)
      ctx.log.info(
        `jeedom: sending ${pending} value(s) to ${plans.filter((p) => p.events.length > 0).length} command(s), ${config.concurrency} at a time`,
      );
    const sent = await sender.finish(plans.length);
    const tally = confirm(plans, sent.confirmed, working);
    const details = detailsOf(sync, report, tally, jeedomInfo);
    if (sent.error !== null) {
      // Partial only when Jeedom kept something: otherwise nothing is confirmed and the state stays as it was.
      const kept = tally.records > 0 || changedJeedom(sync);
      throw new DeliveryError(
        `${describeError(sent.error)} (after ${tally.records} value(s) acknowledged)`,
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
  } finally {
    client.close();
  }
}
