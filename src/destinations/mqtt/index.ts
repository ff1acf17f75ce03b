import { toInterval } from '../../domain/readings.js';
import type { Pdl, QueryLayer } from '../../query/types.js';
import { displayUrl } from '../../redact.js';
import { collectCurrentValues } from '../../engines/current-values/current-values.js';
import type { CurrentValues } from '../../engines/current-values/current-values.js';
import type { Check } from '../../contract/destination.js';
import type { DataKind } from '../../domain/vocabulary.js';
import { mqttManifest } from './manifest.js';
import { defineDestination } from '../../contract/destination.js';
import { connectMqtt } from './client.js';
import type { MqttConfig } from './config.js';
import {
  buildDiscoveryConfigs,
  mqttTopicDiscoveryEntities,
  orphanDiscoveryTopics,
} from '../home_assistant/entities.js';
import type { DetailedCurve, MqttMessage } from './format.js';
import { buildMqttMessages, countByKind, statusTopic } from './format.js';

const ONLINE = 'online';
const OFFLINE = 'offline';

export const mqttDestination = defineDestination({
  ...mqttManifest,

  async exportPass(ctx) {
    const { config, query, now } = ctx;
    const prefix = config.topic_prefix;
    const qos = config.qos as 0 | 1 | 2;
    const pdls = await query.listPdls(ctx.settings.pdls);
    const values = await collectCurrentValues(query, pdls, now);
    const curves = await latestCurves(query, values, ctx.exportData);
    const messages: MqttMessage[] = buildMqttMessages(values, curves, ctx.exportData, prefix, now);
    const discovery = discoveryMessages(config, pdls, ctx.exportData, ctx.state);
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
    const state = { discovery_topics: discovery.configs.map((message) => message.topic) };
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
  },

  async test(ctx): Promise<Check[]> {
    const { config } = ctx;
    const where = displayUrl(config.broker);
    const checks: Check[] = [];
    let connection;
    try {
      connection = await connectMqtt(config, { timeoutMs: ctx.timeoutMs });
      checks.push({ name: `connect and authenticate to ${where}`, ok: true });
    } catch (error) {
      checks.push({
        name: `connect and authenticate to ${where}`,
        ok: false,
        detail: (error as Error).message,
        hint: 'fix MQTT_BROKER (host, port, user, password) or the TLS options, then run this test again',
      });
      return checks;
    }
    const topic = statusTopic(config.topic_prefix);
    try {
      const probe = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), Math.min(ctx.timeoutMs, 5000));
        void connection.subscribe(topic, (_topic, payload, retained) => {
          if (!retained && payload === ONLINE) {
            clearTimeout(timer);
            resolve(true);
          }
        });
      });
      // Not retained, so the retained status message stays as the last export left it.
      await connection.publish(topic, ONLINE, { qos: 1, retain: false });
      const received = await probe;
      checks.push({
        name: `publish and receive a probe on ${topic}`,
        ok: received,
        ...(received
          ? {}
          : {
              detail: 'the broker accepted the connection but did not deliver the probe back',
              hint: `allow this user to publish and subscribe to ${config.topic_prefix}/# in the broker's ACL`,
            }),
      });
    } catch (error) {
      checks.push({
        name: `publish and receive a probe on ${topic}`,
        ok: false,
        detail: (error as Error).message,
        hint: `allow this user to publish and subscribe to ${config.topic_prefix}/# in the broker's ACL`,
      });
    } finally {
      await connection.close();
    }
    return checks;
  },
});

/** Home Assistant discovery configs for this destination's topics, and the configs to clear. */
function discoveryMessages(
  config: MqttConfig,
  pdls: readonly Pdl[],
  kinds: ReadonlySet<DataKind>,
  state: Readonly<Record<string, unknown>>,
): { configs: MqttMessage[]; cleared: string[] } {
  const previous = Array.isArray(state.discovery_topics) ? (state.discovery_topics as string[]) : [];
  const objectPrefix = config.topic_prefix.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
  const configs = config.ha_discovery
    ? buildDiscoveryConfigs(mqttTopicDiscoveryEntities(pdls, kinds, config.topic_prefix, objectPrefix), {
        discoveryPrefix: config.ha_discovery_prefix,
        nodeId: `med_export_${objectPrefix}`,
        availabilityTopic: statusTopic(config.topic_prefix),
      })
    : [];
  const cleared = orphanDiscoveryTopics(
    previous,
    configs.map((message) => message.topic),
  );
  return { configs, cleared };
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
