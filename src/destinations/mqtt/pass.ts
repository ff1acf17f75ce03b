/** One export pass: the current values as JSON topics, over one connection, each acknowledged by the broker. */
import { toInterval } from '../../domain/readings.js';
import type { QueryLayer } from '../../query/types.js';
import { displayUrl } from '../../redact.js';
import { collectCurrentValues } from '../../engines/current-values/current-values.js';
import type { CurrentValues } from '../../engines/current-values/current-values.js';
import type { ExportContext, ExportOutcome } from '../../contract/destination.js';
import type { DataKind } from '../../domain/vocabulary.js';
import { connectMqtt } from '../../engines/mqtt-connection/client.js';
import { OFFLINE, ONLINE, statusTopic } from '../../engines/mqtt-connection/status.js';
import type { MqttConfig } from './config.js';
import { discoveryMessages } from './discovery.js';
import type { DetailedCurve, MqttMessage } from './encode.js';
import { buildMqttMessages, countByKind } from './encode.js';
import { readState, writeState } from './state.js';

export async function mqttPass(ctx: ExportContext<MqttConfig>): Promise<ExportOutcome> {
  const { config, query, now } = ctx;
  const prefix = config.topic_prefix;
  const qos = config.qos as 0 | 1 | 2;
  const pdls = await query.listPdls(ctx.settings.pdls);
  const values = await collectCurrentValues(query, pdls, now);
  const curves = await latestCurves(query, values, ctx.exportData);
  const messages: MqttMessage[] = buildMqttMessages(values, curves, ctx.exportData, prefix, now);
  const discovery = discoveryMessages(config, pdls, ctx.exportData, readState(ctx.state).discoveryTopics);
  const skippedDailyRows = values.pdls.reduce(
    (sum, { consumption, production }) => sum + (consumption?.skipped ?? 0) + (production?.skipped ?? 0),
    0,
  );
  const details = {
    topics: countByKind(messages, prefix),
    pdls: pdls.length,
    ...(config.ha_discovery || discovery.cleared.length > 0
      ? { discovery_configs: discovery.configs.length, discovery_cleared: discovery.cleared.length }
      : {}),
    ...(skippedDailyRows > 0 ? { skipped_daily_rows: skippedDailyRows } : {}),
  };
  const summary = `${messages.length} messages under ${prefix}/ on ${displayUrl(config.broker)}`;
  const state = writeState({ discoveryTopics: discovery.configs.map((message) => message.topic) });
  if (ctx.dryRun) {
    const payloads = [...messages, ...discovery.configs].map((message) => ({
      target: message.topic,
      body: message.payload,
    }));
    return { records: messages.length, details, state, summary, payloads };
  }

  const status = statusTopic(prefix);
  const connection = await connectMqtt(config, {
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    will: { topic: status, payload: OFFLINE, qos, retain: true },
  });
  try {
    // mqtt.js resolves a QoS ≥ 1 publish on the broker's PUBACK/PUBCOMP: success means acknowledged.
    await connection.publish(status, ONLINE, { qos, retain: true });
    await Promise.all([
      ...messages.map((message) =>
        connection.publish(message.topic, JSON.stringify(message.payload), { qos, retain: config.retain }),
      ),
      // Discovery configs are always retained, so Home Assistant finds them after its own restart; an
      // empty retained payload removes an entity whose PDL or data kind is no longer exported.
      ...discovery.configs.map((message) =>
        connection.publish(message.topic, JSON.stringify(message.payload), { qos, retain: true }),
      ),
      ...discovery.cleared.map((topic) => connection.publish(topic, '', { qos, retain: true })),
    ]);
  } finally {
    await connection.close();
  }
  return { records: messages.length, details, state, summary, payloads: [] };
}

/**
 * The load curve of each PDL's latest day (the day the `…/daily` topic shows, already found by the snapshot),
 * for the `…/detailed` topics that were asked for.
 */
async function latestCurves(
  query: QueryLayer,
  values: CurrentValues,
  kinds: ReadonlySet<DataKind>,
): Promise<DetailedCurve[]> {
  const curves: DetailedCurve[] = [];
  for (const { pdl, consumption, production } of values.pdls) {
    for (const [direction, figures] of [
      ['consumption', consumption],
      ['production', production],
    ] as const) {
      if (!kinds.has(`${direction}_detailed`)) continue;
      const lastDay = figures?.latest?.date;
      if (!lastDay) continue;
      const intervals: DetailedCurve['intervals'] = [];
      for await (const page of query.detailedPages(direction, pdl.usagePointId, {
        from: lastDay,
        to: lastDay,
      })) {
        for (const row of page) {
          const reading = toInterval(row);
          if (reading.ok) {
            intervals.push({
              start: reading.localStart,
              minutes: reading.minutes,
              watts: reading.watts,
              wh: reading.wh,
            });
          }
        }
      }
      if (intervals.length > 0)
        curves.push({ usagePointId: pdl.usagePointId, direction, date: lastDay, intervals });
    }
  }
  return curves;
}
