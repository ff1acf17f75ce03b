/**
 * Pure building of the live entities: their ids and states, the REST bodies, and the MQTT state payloads and
 * discovery entities.
 */
import { parisMidnightUtcMs } from '../../domain/paris-time.js';
import { colorCode, frenchColor } from '../../domain/tempo.js';
import { whToKwh } from '../../domain/units.js';
import type { Pdl } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import type { CurrentValues, DayEnergy, PeriodEnergy } from '../../engines/current-values/current-values.js';
import type { DataKind } from '../../domain/vocabulary.js';
import {
  meterName,
  type DiscoveryDevice,
  type DiscoveryEntity,
} from '../../engines/ha-discovery/discovery-configs.js';

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
 * `sensor.{ep}_{pdl}_consumption_daily|yesterday|monthly|yearly` and `…_production_daily|yesterday|monthly`
 * (`daily` the latest day stored, with its `date`; `yesterday` only when J-1 is stored; month and year those
 * of the latest day),
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
        // Only while J-1 is stored (never on MyElectricalData, which stores up to J-2): an entity that would
        // stay unknown forever is not created, and the pass removes it when the day is no longer yesterday.
        if (figures.yesterday) {
          entities.push(
            dayEntity(`${base}_yesterday`, `${direction} yesterday`, figures.yesterday, pdl, device),
          );
        }
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
