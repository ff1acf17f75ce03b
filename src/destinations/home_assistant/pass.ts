/**
 * One export pass: the long-term statistics first (over the WebSocket API), then the live entities (MQTT
 * discovery or REST states); what the statistics confirmed is kept when the entities fail.
 */
import { displayUrl } from '../../redact.js';
import type { ExportContext, ExportOutcome, Payload } from '../../contract/destination.js';
import { DeliveryError } from '../../contract/destination.js';
import { HomeAssistantSocket } from './client.js';
import { connectionOptions, entitiesMode, type HomeAssistantConfig } from './config.js';
import { entitiesPass, readCurrentValues } from './entities-pass.js';
import { StatisticsImportError, type StatisticsOutcome } from './import-sender.js';
import { statisticsPass } from './statistics-pass.js';
import { readState, writeState, type HomeAssistantState } from './state.js';

export async function homeAssistantPass(ctx: ExportContext<HomeAssistantConfig>): Promise<ExportOutcome> {
  const { config } = ctx;
  const previous = readState(ctx.state);
  const pdls = await ctx.query.listPdls(ctx.settings.pdls);
  const connection = connectionOptions(config, ctx.timeoutMs, ctx.signal);
  const mode = entitiesMode(config);
  const payloads: Payload[] = [];
  const details: Record<string, unknown> = {};
  // What the entities need is read while the statistics are imported.
  const currentValues = readCurrentValues(ctx, pdls);

  let statistics: StatisticsOutcome = { rows: 0, through: previous.statistics, details: {}, payloads: [] };
  if (config.statistics) {
    let socket: HomeAssistantSocket | null = null;
    let haVersion = 'unknown';
    try {
      socket = await HomeAssistantSocket.connect(connection);
      haVersion = socket.haVersion;
    } catch (error) {
      // A dry run shows what a first import would send when Home Assistant cannot be asked.
      if (!ctx.dryRun) throw error;
      details.dry_run_note = `Home Assistant not reachable (${(error as Error).message}): shown as a first import`;
    }
    try {
      statistics = await statisticsPass(ctx, pdls, socket, haVersion, previous.statistics);
    } catch (error) {
      if (error instanceof StatisticsImportError && error.confirmed.rows > 0) {
        const state: HomeAssistantState = { ...previous, statistics: error.confirmed.through };
        throw new DeliveryError(error.message, {
          records: error.confirmed.rows,
          details: { ...details, ...error.confirmed.details },
          state: writeState(state),
        });
      }
      throw error instanceof StatisticsImportError ? new Error(error.message, { cause: error }) : error;
    } finally {
      await socket?.close();
    }
    Object.assign(details, statistics.details);
    payloads.push(...statistics.payloads);
  }

  const afterStatistics: HomeAssistantState = { ...previous, statistics: statistics.through };
  let entities;
  try {
    entities = await entitiesPass(ctx, pdls, mode, previous, connection, currentValues);
  } catch (error) {
    if (statistics.rows === 0) throw error;
    throw new DeliveryError(`live entities: ${(error as Error).message}`, {
      records: statistics.rows,
      details,
      state: writeState(afterStatistics),
    });
  }
  Object.assign(details, entities.details);
  payloads.push(...entities.payloads);
  afterStatistics.discoveryTopics = entities.discoveryTopics;
  afterStatistics.restEntities = entities.restEntities;

  const parts = [
    ...(config.statistics ? [`${statistics.rows} statistic rows`] : []),
    ...(entities.summary ? [entities.summary] : []),
  ];
  return {
    records: statistics.rows + entities.records,
    details,
    state: writeState(afterStatistics),
    summary: `${parts.join(' and ') || 'nothing'} to ${displayUrl(config.url)}`,
    payloads: ctx.dryRun ? payloads : [],
  };
}
