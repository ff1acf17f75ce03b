/**
 * Pure building of the live entities: their ids and states, the REST bodies, and the MQTT discovery configs
 * (also usable by the generic MQTT destination for its own topics).
 */
import { VERSION } from '../../version.js';
import { parisMidnightUtcMs } from '../../domain/paris-time.js';
import { colorCode, frenchColor } from '../../domain/tempo.js';
import { whToKwh } from '../../domain/units.js';
import type { Pdl } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import type { CurrentValues, DayEnergy, PeriodEnergy } from '../../engines/current-values/current-values.js';
import type { DataKind } from '../../domain/vocabulary.js';
import { meterName } from './format.js';

// ---- MQTT discovery (generic) ----

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
export const DISCOVERY_ORIGIN = {
  name: 'med-export',
  sw_version: VERSION,
};

/**
 * `<discovery_prefix>/<component>/<node_id>/<object_id>/config`, the topic layout mqtt/discovery.py
 * (`TOPIC_MATCHER`) parses; node and object ids are limited to letters, digits, `_` and `-`.
 */
export function discoveryTopic(
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

// ---- this destination's entities ----

export interface LiveEntity {
  component: 'sensor' | 'binary_sensor';
  /** Entity id without its domain. */
  objectId: string;
  name: string;
  /** null: unknown (no data yet). */
  state: string | null;
  attributes: Record<string, unknown>;
  deviceClass?: string;
  stateClass?: string;
  unit?: string;
  icon?: string;
  device: DiscoveryDevice;
}

export function entityId(entity: Pick<LiveEntity, 'component' | 'objectId'>): string {
  return `${entity.component}.${entity.objectId}`;
}

const SOURCE = 'myelectricaldata';

/**
 * The entities MyElectricalData's documentation names (`{ep}` the entity prefix): per PDL
 * `sensor.{ep}_{pdl}_consumption_daily|yesterday|monthly|yearly` and `…_production_daily|yesterday|monthly`,
 * then `sensor.{ep}_tempo_today|tomorrow`, `sensor.{ep}_tempo_remaining_blue|white|red`,
 * `sensor.{ep}_ecowatt_current|next_hour` and `binary_sensor.{ep}_ecowatt_alert`. Only the kinds asked for.
 */
export function liveEntities(
  values: CurrentValues,
  kinds: ReadonlySet<DataKind>,
  prefix: string,
): LiveEntity[] {
  const entities: LiveEntity[] = [];
  for (const { pdl, consumption, production } of values.pdls) {
    const device: DiscoveryDevice = {
      identifiers: [`med_export_${prefix}_${pdl.usagePointId}`],
      name: meterName(pdl),
      manufacturer: 'Enedis',
      model: 'Linky',
    };
    const energy = (direction: EnergyDirection, figures: typeof consumption) => {
      if (!figures) return;
      const base = `${prefix}_${pdl.usagePointId}_${direction}`;
      if (kinds.has(`${direction}_daily`)) {
        entities.push(dayEntity(`${base}_daily`, `${direction} latest day`, figures.latest, pdl, device));
        entities.push(
          dayEntity(`${base}_yesterday`, `${direction} yesterday`, figures.yesterday, pdl, device),
        );
      }
      if (kinds.has(`${direction}_monthly`)) {
        entities.push(
          periodEntity(`${base}_monthly`, `${direction} this month`, 'month', figures.month, pdl, device),
        );
        if (direction === 'consumption') {
          entities.push(
            periodEntity(`${base}_yearly`, `${direction} this year`, 'year', figures.year, pdl, device),
          );
        }
      }
    };
    energy('consumption', consumption);
    energy('production', production);
  }

  if (kinds.has('tempo')) {
    const device: DiscoveryDevice = {
      identifiers: [`med_export_${prefix}_tempo`],
      name: 'Tempo',
      manufacturer: 'EDF',
      model: 'Tempo',
    };
    const { tempo } = values;
    for (const [key, day] of [
      ['today', tempo.today],
      ['tomorrow', tempo.tomorrow],
    ] as const) {
      entities.push({
        component: 'sensor',
        objectId: `${prefix}_tempo_${key}`,
        name: `colour ${key}`,
        state: frenchColor(day.color),
        attributes: { date: day.date, color_code: colorCode(day.color), source: SOURCE },
        icon: 'mdi:palette',
        device,
      });
    }
    for (const color of ['blue', 'white', 'red'] as const) {
      entities.push({
        component: 'sensor',
        objectId: `${prefix}_tempo_remaining_${color}`,
        name: `${color} days remaining`,
        state: String(tempo.remaining[color]),
        attributes: { season: tempo.remaining.season, used: tempo.used[color], source: SOURCE },
        unit: 'd',
        icon: 'mdi:calendar-range',
        device,
      });
    }
  }

  if (kinds.has('ecowatt')) {
    const device: DiscoveryDevice = {
      identifiers: [`med_export_${prefix}_ecowatt`],
      name: 'EcoWatt',
      manufacturer: 'RTE',
      model: 'EcoWatt',
    };
    const ecowatt = values.ecowatt;
    const attributes = {
      date: ecowatt?.date ?? values.today,
      hour: ecowatt?.hour ?? null,
      day_level: ecowatt?.dayLevel ?? null,
      message: ecowatt?.message ?? null,
      source: SOURCE,
    };
    const level = (value: number | null | undefined) =>
      value === null || value === undefined ? null : String(value);
    entities.push(
      {
        component: 'sensor',
        objectId: `${prefix}_ecowatt_current`,
        name: 'level now',
        state: level(ecowatt?.level),
        attributes,
        icon: 'mdi:transmission-tower',
        device,
      },
      {
        component: 'sensor',
        objectId: `${prefix}_ecowatt_next_hour`,
        name: 'level next hour',
        state: level(ecowatt?.nextHourLevel),
        attributes,
        icon: 'mdi:transmission-tower',
        device,
      },
      {
        component: 'binary_sensor',
        objectId: `${prefix}_ecowatt_alert`,
        name: 'alert today',
        state: ecowatt ? (ecowatt.alert ? 'on' : 'off') : null,
        attributes,
        deviceClass: 'problem',
        device,
      },
    );
  }
  return entities;
}

function energyAttributes(
  pdl: Pdl,
  wh: number | null,
  lastReset: string | null,
  period: Record<string, unknown>,
) {
  return { pdl: pdl.usagePointId, ...period, value_wh: wh, last_reset: lastReset, source: SOURCE };
}

function dayEntity(
  objectId: string,
  name: string,
  day: DayEnergy | null,
  pdl: Pdl,
  device: DiscoveryDevice,
): LiveEntity {
  return {
    component: 'sensor',
    objectId,
    name,
    state: day ? String(whToKwh(day.wh)) : null,
    attributes: energyAttributes(
      pdl,
      day?.wh ?? null,
      day ? isoInstant(parisMidnightUtcMs(day.date)) : null,
      {
        date: day?.date ?? null,
      },
    ),
    ...ENERGY_SENSOR,
    device,
  };
}

function periodEntity(
  objectId: string,
  name: string,
  key: 'month' | 'year',
  period: PeriodEnergy | null,
  pdl: Pdl,
  device: DiscoveryDevice,
): LiveEntity {
  return {
    component: 'sensor',
    objectId,
    name,
    state: period ? String(whToKwh(period.wh)) : null,
    attributes: energyAttributes(
      pdl,
      period?.wh ?? null,
      period ? isoInstant(parisMidnightUtcMs(period.start)) : null,
      {
        [key]: period?.period ?? null,
        days: period?.days ?? 0,
      },
    ),
    ...ENERGY_SENSOR,
    device,
  };
}

const ENERGY_SENSOR = { deviceClass: 'energy', stateClass: 'total', unit: 'kWh' } as const;

function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', '+00:00');
}

/** `POST /api/states/<entity_id>` body (api/__init__.py `APIEntityStateView.post`: `state`, `attributes`). */
export function restStateBody(entity: LiveEntity): { state: string; attributes: Record<string, unknown> } {
  const attributes: Record<string, unknown> = {
    ...entity.attributes,
    friendly_name: `${entity.device.name} ${entity.name}`,
    ...(entity.deviceClass ? { device_class: entity.deviceClass } : {}),
    ...(entity.stateClass ? { state_class: entity.stateClass } : {}),
    ...(entity.unit ? { unit_of_measurement: entity.unit } : {}),
    ...(entity.icon ? { icon: entity.icon } : {}),
  };
  if (attributes.last_reset === null) delete attributes.last_reset;
  return { state: entity.state ?? 'unknown', attributes };
}

/** MQTT mode: where each entity's state goes, and what is published there. */
export function mqttStateTopic(topicPrefix: string, entity: Pick<LiveEntity, 'objectId'>): string {
  return `${topicPrefix}/${entity.objectId}/state`;
}

export function mqttStatePayload(entity: LiveEntity): {
  value: string | null;
  attributes: Record<string, unknown>;
} {
  const value =
    entity.component === 'binary_sensor' && entity.state !== null ? entity.state.toUpperCase() : entity.state;
  return { value, attributes: entity.attributes };
}

/** This destination's entities as discovery entities reading the states of {@link mqttStatePayload}. */
export function toDiscoveryEntities(entities: readonly LiveEntity[], topicPrefix: string): DiscoveryEntity[] {
  return entities.map((entity) => ({
    component: entity.component,
    objectId: entity.objectId,
    uniqueId: `med_export_${entity.objectId}`,
    name: entity.name,
    stateTopic: mqttStateTopic(topicPrefix, entity),
    valueTemplate: '{{ value_json.value }}',
    jsonAttributesTemplate: '{{ value_json.attributes | tojson }}',
    ...(entity.stateClass === 'total'
      ? { lastResetValueTemplate: '{{ value_json.attributes.last_reset }}' }
      : {}),
    ...(entity.deviceClass ? { deviceClass: entity.deviceClass } : {}),
    ...(entity.stateClass ? { stateClass: entity.stateClass } : {}),
    ...(entity.unit ? { unit: entity.unit } : {}),
    ...(entity.icon ? { icon: entity.icon } : {}),
    device: entity.device,
  }));
}

// ---- the generic MQTT destination's topics (MQTT_HA_DISCOVERY) ----

/**
 * Discovery entities for the topics the generic MQTT destination publishes (src/destinations/mqtt/format.ts):
 * `{topicPrefix}/{pdl}/{direction}/daily|yesterday|monthly` (`{value, unit, value_wh, date|month, …}`),
 * `{topicPrefix}/tempo/today|tomorrow` (`{color, color_code, date}`), `{topicPrefix}/tempo/remaining`
 * (`{blue, white, red, season}`) and `{topicPrefix}/ecowatt/current` (`{level, message, date, hour}`).
 * Entity ids are `sensor.{objectPrefix}_…`. Those topics carry the period in the payload, not a reset
 * instant, so energy sensors have no state class (no statistics compiled from them).
 */
export function mqttTopicDiscoveryEntities(
  pdls: readonly Pick<Pdl, 'usagePointId' | 'name' | 'hasConsumption' | 'hasProduction'>[],
  kinds: ReadonlySet<DataKind>,
  topicPrefix: string,
  objectPrefix: string,
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
      if (kinds.has(`${direction}_daily`)) topics.push(['daily', 'latest day'], ['yesterday', 'yesterday']);
      if (kinds.has(`${direction}_monthly`)) topics.push(['monthly', 'this month']);
      for (const [key, label] of topics) {
        const objectId = `${objectPrefix}_${pdl.usagePointId}_${direction}_${key}`;
        entities.push({
          component: 'sensor',
          objectId,
          uniqueId: `med_export_mqtt_${objectId}`,
          name: `${direction} ${label}`,
          stateTopic: `${topicPrefix}/${pdl.usagePointId}/${direction}/${key}`,
          valueTemplate: '{{ value_json.value }}',
          deviceClass: 'energy',
          unit: 'kWh',
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
