import type { ConfigOf } from '../../config/fields.js';
import {
  booleanField,
  enumField,
  integerField,
  jsonObjectField,
  optional,
  secretField,
  stringField,
  urlField,
} from '../../config/fields.js';
import type { MqttConnectionConfig } from '../../engines/mqtt-connection/client.js';
import {
  MQTT_BROKER_PROTOCOLS,
  MQTT_TOPIC_PREFIX,
  mqttConnectionFields,
} from '../../engines/mqtt-connection/fields.js';
import type { ConnectionOptions } from './client.js';
import { parsePriceOverrides } from '../../domain/offer-prices.js';

/**
 * A slug Home Assistant accepts as the `<source>` part of an external statistic id and in entity ids
 * (recorder/statistics.py `VALID_STATISTIC_ID`, core.py `VALID_ENTITY_ID`): lowercase letters, digits and single
 * underscores, not at either end.
 */
const SLUG = /^(?!.*__)[a-z0-9](?:[a-z0-9_]*[a-z0-9])?$/;

/** The deprecated alias of MED_PRICES, validated as MED_PRICES is (config/load-config.ts reads it). */
export function pricesProblem(prices: Record<string, unknown>): string | null {
  const parsed = parsePriceOverrides(prices, 'HOME_ASSISTANT_PRICES');
  return parsed.ok ? null : parsed.error;
}

export const homeAssistantFields = {
  url: urlField({
    required: true,
    protocols: ['http:', 'https:'],
    describe: "Home Assistant's address, as in the browser: http://homeassistant.local:8123",
  }),
  token: secretField({
    required: true,
    describe: 'long-lived access token of an administrator (profile → Security → Long-lived access tokens)',
  }),
  ca_cert: optional(stringField({ describe: "PEM file of the CA that signed Home Assistant's certificate" })),
  tls_insecure: booleanField({
    default: false,
    describe:
      'accept any Home Assistant certificate (only for testing: anyone in the middle can read the token)',
  }),
  statistics: booleanField({
    default: true,
    describe: 'import hourly long-term statistics for the Energy dashboard',
  }),
  statistic_id_prefix: stringField({
    default: 'myelectricaldata',
    pattern: SLUG,
    describe: 'source of the statistics and prefix of their ids (lowercase letters, digits, underscores)',
  }),
  overlap_days: integerField({
    default: 7,
    min: 0,
    max: 366,
    describe: 'days of statistics re-imported on every run as a safety net',
  }),
  chunk_size: integerField({
    default: 4000,
    min: 1,
    max: 50_000,
    describe: 'maximum statistic rows in one import message',
  }),
  prices: optional(
    jsonObjectField({
      describe: 'deprecated alias of MED_PRICES (the run-wide prices every destination uses)',
      validate: pricesProblem,
    }),
  ),
  entities: enumField(['auto', 'mqtt', 'rest', 'none'] as const, {
    default: 'auto',
    describe:
      'live entities: MQTT discovery, REST states, or none (auto: MQTT when a broker is set, else REST)',
  }),
  entity_prefix: stringField({
    default: 'med',
    pattern: SLUG,
    describe: 'first part of the entity ids: sensor.<prefix>_<pdl>_consumption_daily',
  }),
  discovery_prefix: stringField({
    default: 'homeassistant',
    pattern: MQTT_TOPIC_PREFIX,
    describe: "MQTT discovery prefix Home Assistant listens on (its MQTT integration's setting)",
  }),
  mqtt_topic_prefix: stringField({
    default: 'med-export',
    pattern: MQTT_TOPIC_PREFIX,
    describe: 'topic prefix of the entity states and of the availability topic in MQTT mode',
  }),
  mqtt_broker: optional(
    urlField({
      protocols: MQTT_BROKER_PROTOCOLS,
      describe: "the broker Home Assistant's MQTT integration uses: mqtt://user:pass@host:1883",
    }),
  ),
  mqtt_username: mqttConnectionFields.username,
  mqtt_password: mqttConnectionFields.password,
  mqtt_client_id: mqttConnectionFields.client_id,
  mqtt_ca_cert: mqttConnectionFields.ca_cert,
  mqtt_client_cert: mqttConnectionFields.client_cert,
  mqtt_client_key: mqttConnectionFields.client_key,
  mqtt_tls_insecure: mqttConnectionFields.tls_insecure,
};

export type HomeAssistantConfig = ConfigOf<typeof homeAssistantFields>;

export type EntitiesMode = 'mqtt' | 'rest' | 'none';

/** `auto` resolved: MQTT discovery when a broker is configured, REST otherwise. */
export function entitiesMode(config: HomeAssistantConfig): EntitiesMode {
  if (config.entities === 'auto') return config.mqtt_broker ? 'mqtt' : 'rest';
  return config.entities;
}

export function connectionOptions(
  config: HomeAssistantConfig,
  timeoutMs: number,
  signal?: AbortSignal,
): ConnectionOptions {
  return {
    url: config.url,
    token: config.token,
    timeoutMs,
    ...(signal ? { signal } : {}),
    caCert: config.ca_cert,
    tlsInsecure: config.tls_insecure,
  };
}

/** The broker of the live entities in MQTT mode (`mqtt_broker` must be set). */
export function mqttConnectionConfig(config: HomeAssistantConfig): MqttConnectionConfig {
  return {
    broker: config.mqtt_broker!,
    username: config.mqtt_username,
    password: config.mqtt_password,
    client_id: config.mqtt_client_id,
    ca_cert: config.mqtt_ca_cert,
    client_cert: config.mqtt_client_cert,
    client_key: config.mqtt_client_key,
    tls_insecure: config.mqtt_tls_insecure,
  };
}
