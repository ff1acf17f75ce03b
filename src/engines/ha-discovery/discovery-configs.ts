/**
 * Home Assistant MQTT discovery (homeassistant/components/mqtt/discovery.py): the retained configs announcing
 * entities that read their state from a topic, and the topics to clear when an entity goes away. Shared by
 * every destination that announces entities over MQTT.
 */
import type { Pdl } from '../../query/types.js';
import { VERSION } from '../../version.js';

/** "Linky Maison" when the PDL has a label, "Linky 12345678901234" otherwise. */
export function meterName(pdl: Pick<Pdl, 'usagePointId' | 'name'>): string {
  const label = pdl.name?.trim();
  return `Linky ${label ? label : pdl.usagePointId}`;
}

export interface DiscoveryDevice {
  identifiers: string[];
  name: string;
  manufacturer?: string;
  model?: string;
}

/** One entity announced through MQTT discovery, reading its state from `stateTopic`. */
export interface DiscoveryEntity {
  component: 'sensor' | 'binary_sensor';
  /** The entity id without its domain: `med_12345678901234_consumption_daily`. */
  objectId: string;
  uniqueId: string;
  /** Entity name within its device (Home Assistant shows "<device> <name>"). */
  name: string;
  stateTopic: string;
  valueTemplate: string;
  /** Attributes from the same topic; the template picks them out of the payload (default: the whole JSON). */
  jsonAttributesTemplate?: string;
  lastResetValueTemplate?: string;
  deviceClass?: string;
  stateClass?: string;
  unit?: string;
  icon?: string;
  device: DiscoveryDevice;
}

export interface DiscoveryOptions {
  discoveryPrefix: string;
  /** Groups this program's configs: `<discovery_prefix>/<component>/<node_id>/<object_id>/config`. */
  nodeId: string;
  /** Retained `online`/`offline`, with `offline` as the connection's last will. */
  availabilityTopic: string;
}

export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

/** The `origin` block Home Assistant shows as the source of discovered entities (mqtt/discovery.py). */
const DISCOVERY_ORIGIN = {
  name: 'med-export',
  sw_version: VERSION,
};

/**
 * `<discovery_prefix>/<component>/<node_id>/<object_id>/config`, the topic layout mqtt/discovery.py
 * (`TOPIC_MATCHER`) parses; node and object ids are limited to letters, digits, `_` and `-`.
 */
function discoveryTopic(
  options: Pick<DiscoveryOptions, 'discoveryPrefix' | 'nodeId'>,
  entity: Pick<DiscoveryEntity, 'component' | 'objectId'>,
): string {
  return `${options.discoveryPrefix}/${entity.component}/${options.nodeId}/${entity.objectId}/config`;
}

/**
 * Retained discovery configs. `default_entity_id` sets the entity id since Home Assistant 2025.10, which
 * deprecated `object_id` for that (removed in 2026.4); both are sent so older and newer versions agree, as
 * discovery schemas drop keys they do not know (`DISCOVERY_SCHEMA = ….extend({}, extra=vol.REMOVE_EXTRA)`).
 */
export function buildDiscoveryConfigs(
  entities: readonly DiscoveryEntity[],
  options: DiscoveryOptions,
): DiscoveryMessage[] {
  return entities.map((entity) => {
    const payload: Record<string, unknown> = {
      name: entity.name,
      unique_id: entity.uniqueId,
      default_entity_id: `${entity.component}.${entity.objectId}`,
      object_id: entity.objectId,
      state_topic: entity.stateTopic,
      value_template: entity.valueTemplate,
      json_attributes_topic: entity.stateTopic,
      ...(entity.jsonAttributesTemplate ? { json_attributes_template: entity.jsonAttributesTemplate } : {}),
      ...(entity.lastResetValueTemplate ? { last_reset_value_template: entity.lastResetValueTemplate } : {}),
      ...(entity.deviceClass ? { device_class: entity.deviceClass } : {}),
      ...(entity.stateClass ? { state_class: entity.stateClass } : {}),
      ...(entity.unit ? { unit_of_measurement: entity.unit } : {}),
      ...(entity.icon ? { icon: entity.icon } : {}),
      availability_topic: options.availabilityTopic,
      payload_available: 'online',
      payload_not_available: 'offline',
      device: entity.device,
      origin: DISCOVERY_ORIGIN,
    };
    if (entity.component === 'binary_sensor') {
      payload.payload_on = 'ON';
      payload.payload_off = 'OFF';
    }
    return { topic: discoveryTopic(options, entity), payload };
  });
}

/**
 * Topics announced before and not any more (a PDL removed, a data kind turned off): publishing an empty
 * retained payload on them deletes the entity in Home Assistant and the retained config on the broker.
 */
export function orphanDiscoveryTopics(previous: readonly string[], current: readonly string[]): string[] {
  const kept = new Set(current);
  return [...new Set(previous)].filter((topic) => !kept.has(topic));
}
