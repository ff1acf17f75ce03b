/**
 * Home Assistant MQTT discovery configs for this destination's own topics (MQTT_HA_DISCOVERY): entities for
 * MQTT users who do not run the Home Assistant destination.
 */
import type { Pdl } from '../../query/types.js';
import type { DataKind } from '../../domain/vocabulary.js';
import {
  buildDiscoveryConfigs,
  meterName,
  orphanDiscoveryTopics,
  type DiscoveryDevice,
  type DiscoveryEntity,
  type DiscoveryMessage,
} from '../../engines/ha-discovery/discovery-configs.js';
import { statusTopic } from '../../engines/mqtt-connection/status.js';
import type { MqttConfig } from './config.js';

/**
 * Home Assistant discovery configs for this destination's topics (none unless `ha_discovery`), and the configs
 * announced before (`previous`) to clear.
 */
export function discoveryMessages(
  config: MqttConfig,
  pdls: readonly Pdl[],
  kinds: ReadonlySet<DataKind>,
  previous: readonly string[],
  published: PublishedValues,
): { configs: DiscoveryMessage[]; cleared: string[] } {
  const objectPrefix = config.topic_prefix.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
  const entities = mqttTopicDiscoveryEntities(pdls, kinds, config.topic_prefix, objectPrefix, published);
  const configs = config.ha_discovery
    ? buildDiscoveryConfigs(entities, {
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

/** What this run publishes beyond what the data kinds say: an entity is announced only for a topic it fills. */
export interface PublishedValues {
  /** `{pdl}/{direction}` whose `…/yesterday` topic is published: only when J-1 is stored. */
  yesterday: ReadonlySet<string>;
  /** PDLs whose consumption `…/daily` and `…/monthly` payloads carry `cost_eur`. */
  costed: ReadonlySet<string>;
}

const NOTHING_MORE: PublishedValues = { yesterday: new Set(), costed: new Set() };

/**
 * Discovery entities for the topics the generic MQTT destination publishes (encode.ts):
 * `{topicPrefix}/{pdl}/{direction}/daily|yesterday|monthly` (`{value, unit, value_wh, date|month, cost_eur, …}`),
 * `{topicPrefix}/tempo/today|tomorrow` (`{color, color_code, date}`), `{topicPrefix}/tempo/remaining`
 * (`{blue, white, red, season}`) and `{topicPrefix}/ecowatt/current` (`{level, message, date, hour}`).
 * Entity ids are `sensor.{objectPrefix}_…`. Those topics carry the period in the payload, not a reset
 * instant, so energy sensors have no state class (no statistics compiled from them). The `yesterday` entity
 * exists only while J-1 is stored (never on a MyElectricalData database, which stores up to J-2), so that no
 * entity stays unknown forever.
 */
export function mqttTopicDiscoveryEntities(
  pdls: readonly Pick<Pdl, 'usagePointId' | 'name' | 'hasConsumption' | 'hasProduction'>[],
  kinds: ReadonlySet<DataKind>,
  topicPrefix: string,
  objectPrefix: string,
  published: PublishedValues = NOTHING_MORE,
): DiscoveryEntity[] {
  const entities: DiscoveryEntity[] = [];
  for (const pdl of pdls) {
    const device: DiscoveryDevice = {
      identifiers: [`med_export_mqtt_${objectPrefix}_${pdl.usagePointId}`],
      name: meterName(pdl),
      manufacturer: 'Enedis',
      model: 'Linky',
    };
    for (const direction of ['consumption', 'production'] as const) {
      if (direction === 'consumption' ? !pdl.hasConsumption : !pdl.hasProduction) continue;
      const topics: [string, string][] = [];
      if (kinds.has(`${direction}_daily`)) {
        topics.push(['daily', 'latest day']);
        if (published.yesterday.has(`${pdl.usagePointId}/${direction}`))
          topics.push(['yesterday', 'yesterday']);
      }
      if (kinds.has(`${direction}_monthly`)) topics.push(['monthly', 'this month']);
      const costed = direction === 'consumption' && published.costed.has(pdl.usagePointId);
      for (const [key, label] of topics) {
        const objectId = `${objectPrefix}_${pdl.usagePointId}_${direction}_${key}`;
        const stateTopic = `${topicPrefix}/${pdl.usagePointId}/${direction}/${key}`;
        entities.push({
          component: 'sensor',
          objectId,
          uniqueId: `med_export_mqtt_${objectId}`,
          name: `${direction} ${label}`,
          stateTopic,
          valueTemplate: '{{ value_json.value }}',
          deviceClass: 'energy',
          unit: 'kWh',
          device,
        });
        if (!costed) continue;
        entities.push({
          component: 'sensor',
          objectId: `${objectId}_cost`,
          uniqueId: `med_export_mqtt_${objectId}_cost`,
          name: `cost ${label}`,
          stateTopic,
          valueTemplate: '{{ value_json.cost_eur }}',
          deviceClass: 'monetary',
          unit: 'EUR',
          device,
        });
      }
    }
  }
  if (kinds.has('tempo')) {
    const device = {
      identifiers: [`med_export_mqtt_${objectPrefix}_tempo`],
      name: 'Tempo',
      manufacturer: 'EDF',
    };
    for (const key of ['today', 'tomorrow'] as const) {
      entities.push({
        component: 'sensor',
        objectId: `${objectPrefix}_tempo_${key}`,
        uniqueId: `med_export_mqtt_${objectPrefix}_tempo_${key}`,
        name: `colour ${key}`,
        stateTopic: `${topicPrefix}/tempo/${key}`,
        valueTemplate: '{{ value_json.color }}',
        icon: 'mdi:palette',
        device,
      });
    }
    for (const color of ['blue', 'white', 'red'] as const) {
      entities.push({
        component: 'sensor',
        objectId: `${objectPrefix}_tempo_remaining_${color}`,
        uniqueId: `med_export_mqtt_${objectPrefix}_tempo_remaining_${color}`,
        name: `${color} days remaining`,
        stateTopic: `${topicPrefix}/tempo/remaining`,
        valueTemplate: `{{ value_json.${color} }}`,
        unit: 'd',
        icon: 'mdi:calendar-range',
        device,
      });
    }
  }
  if (kinds.has('ecowatt')) {
    const device = {
      identifiers: [`med_export_mqtt_${objectPrefix}_ecowatt`],
      name: 'EcoWatt',
      manufacturer: 'RTE',
    };
    entities.push({
      component: 'sensor',
      objectId: `${objectPrefix}_ecowatt_current`,
      uniqueId: `med_export_mqtt_${objectPrefix}_ecowatt_current`,
      name: 'level now',
      stateTopic: `${topicPrefix}/ecowatt/current`,
      valueTemplate: '{{ value_json.level }}',
      icon: 'mdi:transmission-tower',
      device,
    });
  }
  return entities;
}
