/** One export pass: the current values as JSON topics, over one connection, each acknowledged by the broker. */
import { firstDayOfMonth } from '../../domain/paris-time.js';
import { toInterval } from '../../domain/readings.js';
import type { QueryLayer } from '../../query/types.js';
import { displayUrl } from '../../redact.js';
import { collectCurrentValues } from '../../engines/current-values/current-values.js';
import type { CurrentValues } from '../../engines/current-values/current-values.js';
import { billsCosts, dailyCosts, monthCost } from '../../engines/current-values/day-costs.js';
import { loadPdlCosts } from '../../engines/costs/pdl-costs.js';
import { costReportDetails } from '../../engines/costs/cost-details.js';
import type { ExportContext, ExportOutcome } from '../../contract/destination.js';
import type { DataKind } from '../../domain/vocabulary.js';
import { connectMqtt } from '../../engines/mqtt-connection/client.js';
import { OFFLINE, ONLINE, statusTopic } from '../../engines/mqtt-connection/status.js';
import type { MqttConfig } from './config.js';
import { discoveryMessages } from './discovery.js';
import type { CurrentCosts, DetailedCurve, MqttMessage } from './encode.js';
import { buildMqttMessages, countByKind } from './encode.js';
import { readState, writeState } from './state.js';

export async function mqttPass(ctx: ExportContext<MqttConfig>): Promise<ExportOutcome> {
  const { config, query, now } = ctx;
  const prefix = config.topic_prefix;
  const qos = config.qos as 0 | 1 | 2;
  const pdls = await query.listPdls(ctx.settings.pdls);
  const values = await collectCurrentValues(query, pdls, now);
  const curves = await latestCurves(query, values, ctx.exportData);
  const costs = await currentCosts(ctx, values);
  const messages: MqttMessage[] = buildMqttMessages(values, curves, ctx.exportData, prefix, now, costs.byPdl);
  const previous = readState(ctx.state);
  const discovery = discoveryMessages(config, pdls, ctx.exportData, previous.discoveryTopics, {
    yesterday: new Set(
      values.pdls.flatMap(({ pdl, consumption, production }) =>
        (
          [
            ['consumption', consumption],
            ['production', production],
          ] as const
        )
          .filter(([, figures]) => figures?.yesterday)
          .map(([direction]) => `${pdl.usagePointId}/${direction}`),
      ),
    ),
    costed: new Set(costs.byPdl.keys()),
  });
  // A retained value published before and not any more (`…/yesterday` once J-1 is gone, a data kind turned
  // off) would otherwise stay on the broker, stale, for ever: an empty retained message removes it.
  const publishedTopics = messages.map((message) => message.topic);
  const current = new Set(publishedTopics);
  const clearedTopics = previous.topics.filter((topic) => !current.has(topic));
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
    ...(clearedTopics.length > 0 ? { cleared_topics: clearedTopics.length } : {}),
    ...(skippedDailyRows > 0 ? { skipped_daily_rows: skippedDailyRows } : {}),
    ...(Object.keys(costs.details).length > 0 ? { costs: costs.details } : {}),
  };
  const summary = `${messages.length} messages under ${prefix}/ on ${displayUrl(config.broker)}`;
  const state = writeState({
    discoveryTopics: discovery.configs.map((message) => message.topic),
    topics: publishedTopics,
  });
  if (ctx.dryRun) {
    const payloads = [
      ...[...messages, ...discovery.configs].map((message) => ({
        target: message.topic,
        body: message.payload,
      })),
      ...[...clearedTopics, ...discovery.cleared].map((topic) => ({ target: topic, body: '' })),
    ];
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
      ...[...clearedTopics, ...discovery.cleared].map((topic) =>
        connection.publish(topic, '', { qos, retain: true }),
      ),
    ]);
  } finally {
    await connection.close();
  }
  return { records: messages.length, details, state, summary, payloads: [] };
}

/**
 * Each costed PDL's consumption costs for the month of its latest day (the days `…/daily`, `…/yesterday` and
 * `…/monthly` show), and what export_logs.details says of them. Only when a daily or monthly kind is asked for.
 */
async function currentCosts(
  ctx: ExportContext<MqttConfig>,
  values: CurrentValues,
): Promise<{ byPdl: Map<string, CurrentCosts>; details: Record<string, unknown> }> {
  const byPdl = new Map<string, CurrentCosts>();
  const details: Record<string, unknown> = {};
  if (!ctx.exportData.has('consumption_daily') && !ctx.exportData.has('consumption_monthly'))
    return { byPdl, details };
  for (const { pdl, consumption } of values.pdls) {
    const latest = consumption?.latest;
    if (!latest) continue;
    const from = firstDayOfMonth(latest.date);
    const costs = await loadPdlCosts(ctx.query, ctx.settings, pdl, from);
    if (!billsCosts(costs)) continue;
    const { days, report } = await dailyCosts(ctx.query, costs, pdl.usagePointId, { from, to: latest.date });
    byPdl.set(pdl.usagePointId, {
      days: new Map(days.map((day) => [day.date, day])),
      month: monthCost(days, from.slice(0, 7)),
    });
    const said = costReportDetails(report);
    if (said) details[pdl.usagePointId] = said;
  }
  return { byPdl, details };
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
