/**
 * The live-entities part of a pass: MQTT discovery (configs, states, availability, orphans cleared) or REST
 * states (orphans deleted).
 */
import { displayUrl } from '../../redact.js';
import type { Pdl } from '../../query/types.js';
import { collectCurrentValues, type CurrentValues } from '../../engines/current-values/current-values.js';
import { connectMqtt } from '../../engines/mqtt-connection/client.js';
import { OFFLINE, ONLINE, statusTopic } from '../../engines/mqtt-connection/status.js';
import {
  buildDiscoveryConfigs,
  orphanDiscoveryTopics,
} from '../../engines/ha-discovery/discovery-configs.js';
import type { ExportContext, Payload } from '../../contract/destination.js';
import {
  HomeAssistantAuthError,
  TOKEN_HINT,
  restMessage,
  restRequest,
  type ConnectionOptions,
} from './client.js';
import { mqttConnectionConfig, type EntitiesMode, type HomeAssistantConfig } from './config.js';
import {
  entityId,
  liveEntities,
  mqttStatePayload,
  mqttStateTopic,
  restStateBody,
  toDiscoveryEntities,
} from './entities.js';

export interface EntitiesOutcome {
  /** States Home Assistant (or the broker) acknowledged. */
  records: number;
  discoveryTopics: string[];
  restEntities: string[];
  details: Record<string, unknown>;
  payloads: Payload[];
  summary: string;
}

/** Groups this destination's discovery configs; one per entity prefix so two installations do not collide. */
function discoveryNodeId(config: HomeAssistantConfig): string {
  return `med_export_${config.entity_prefix}`;
}

/** The current values the entities show: read once the pass starts, while the statistics are imported. */
export function readCurrentValues(
  ctx: ExportContext<HomeAssistantConfig>,
  pdls: readonly Pdl[],
): Promise<CurrentValues> {
  const values = collectCurrentValues(ctx.query, pdls, ctx.now);
  // Awaited by `entitiesPass`, which does not run when the statistics fail.
  values.catch(() => undefined);
  return values;
}

export async function entitiesPass(
  ctx: ExportContext<HomeAssistantConfig>,
  pdls: readonly Pdl[],
  mode: EntitiesMode,
  previous: { discoveryTopics: readonly string[]; restEntities: readonly string[] },
  connection: ConnectionOptions,
  currentValues: Promise<CurrentValues> = readCurrentValues(ctx, pdls),
): Promise<EntitiesOutcome> {
  const { config } = ctx;
  const outcome: EntitiesOutcome = {
    records: 0,
    discoveryTopics: [...previous.discoveryTopics],
    restEntities: [...previous.restEntities],
    details: {},
    payloads: [],
    summary: '',
  };
  if (mode === 'mqtt' && !config.mqtt_broker) {
    throw new Error(
      'HOME_ASSISTANT_ENTITIES=mqtt needs HOME_ASSISTANT_MQTT_BROKER (the broker of the MQTT integration), or use rest',
    );
  }
  const values = await currentValues;
  const entities = mode === 'none' ? [] : liveEntities(values, ctx.exportData, config.entity_prefix);

  if (mode === 'mqtt' || (config.mqtt_broker && previous.discoveryTopics.length > 0)) {
    // Leaving MQTT mode (or losing every entity) with the broker still configured clears what was announced.
    const discovery = buildDiscoveryConfigs(
      mode === 'mqtt' ? toDiscoveryEntities(entities, config.mqtt_topic_prefix) : [],
      {
        discoveryPrefix: config.discovery_prefix,
        nodeId: discoveryNodeId(config),
        availabilityTopic: statusTopic(config.mqtt_topic_prefix),
      },
    );
    const orphans = orphanDiscoveryTopics(
      previous.discoveryTopics,
      discovery.map((message) => message.topic),
    );
    const states = mode === 'mqtt' ? entities : [];
    const messages = [
      ...discovery.map((message) => ({ topic: message.topic, payload: JSON.stringify(message.payload) })),
      ...states.map((entity) => ({
        topic: mqttStateTopic(config.mqtt_topic_prefix, entity),
        payload: JSON.stringify(mqttStatePayload(entity)),
      })),
      // An empty retained message deletes the retained config, and Home Assistant removes the entity.
      ...orphans.map((topic) => ({ topic, payload: '' })),
    ];
    outcome.details.mqtt = {
      discovery_configs: discovery.length,
      states: states.length,
      cleared: orphans.length,
    };
    outcome.summary = `${states.length} entities via MQTT discovery on ${displayUrl(config.mqtt_broker!)}`;
    if (ctx.dryRun) {
      outcome.payloads.push(...messages.map((message) => ({ target: message.topic, body: message.payload })));
    } else {
      const status = statusTopic(config.mqtt_topic_prefix);
      const mqtt = await connectMqtt(mqttConnectionConfig(config), {
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
        will: { topic: status, payload: OFFLINE, qos: 1, retain: true },
      });
      try {
        await mqtt.publish(status, ONLINE, { qos: 1, retain: true });
        // mqtt.js resolves a QoS 1 publish on the broker's PUBACK; the connection sends them one at a time.
        await Promise.all(
          messages.map((message) => mqtt.publish(message.topic, message.payload, { qos: 1, retain: true })),
        );
      } finally {
        await mqtt.close();
      }
    }
    outcome.records += states.length;
    outcome.discoveryTopics = discovery.map((message) => message.topic);
  }

  if (mode === 'rest' || previous.restEntities.length > 0) {
    const current = mode === 'rest' ? entities : [];
    const currentIds = current.map(entityId);
    const orphans = previous.restEntities.filter((id) => !currentIds.includes(id));
    outcome.details.rest = { states: current.length, deleted: orphans.length };
    if (mode === 'rest') outcome.summary = `${current.length} entity states`;
    if (ctx.dryRun) {
      for (const entity of current) {
        outcome.payloads.push({
          target: `POST /api/states/${entityId(entity)}`,
          body: restStateBody(entity),
        });
      }
      for (const id of orphans) outcome.payloads.push({ target: `DELETE /api/states/${id}`, body: null });
    } else {
      await inBatches(current, async (entity) => {
        const id = entityId(entity);
        const response = await restRequest(connection, 'POST', `/api/states/${id}`, restStateBody(entity));
        checkRest(response, `setting ${id}`);
      });
      // api/__init__.py `APIEntityStateView.delete`: 404 when already gone, which is fine.
      await inBatches(orphans, async (id) => {
        const response = await restRequest(connection, 'DELETE', `/api/states/${id}`);
        if (response.status !== 404) checkRest(response, `removing ${id}`);
      });
    }
    outcome.records += current.length;
    outcome.restEntities = currentIds;
  }
  return outcome;
}

/** A few requests in flight at a time: quick, and gentle with a small Home Assistant box. */
async function inBatches<T>(items: readonly T[], send: (item: T) => Promise<void>, size = 4): Promise<void> {
  for (let index = 0; index < items.length; index += size) {
    await Promise.all(items.slice(index, index + size).map(send));
  }
}

function checkRest(response: { status: number; body: string }, what: string): void {
  if (response.status === 401) {
    throw new HomeAssistantAuthError(
      `Home Assistant answered 401 Unauthorized ${what}: the token is wrong or its user is not an administrator; ${TOKEN_HINT}`,
    );
  }
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`Home Assistant answered HTTP ${response.status} ${what}: ${restMessage(response.body)}`);
  }
}
