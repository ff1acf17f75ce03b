import { booleanField, integerField, optional, stringField, urlField } from '../../config/fields.js';
import type { ConfigOf } from '../../config/fields.js';

const TOPIC_PREFIX = /^[^#+\s/][^#+\s]*[^#+\s/]$|^[^#+\s/]$/;

/** Broker and TLS options, shared with every destination that publishes over MQTT. */
export const mqttConnectionFields = {
  broker: urlField({
    required: true,
    protocols: ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'],
    describe: 'broker URL, credentials included: mqtt://user:pass@host:1883 or mqtts://host:8883',
  }),
  client_id: optional(stringField({ describe: 'MQTT client id (default: med-export-<random>)' })),
  ca_cert: optional(stringField({ describe: 'PEM file of the CA that signed the broker certificate' })),
  client_cert: optional(stringField({ describe: 'PEM client certificate for mutual TLS' })),
  client_key: optional(stringField({ describe: 'PEM private key of the client certificate' })),
  tls_insecure: booleanField({
    default: false,
    describe: 'accept any broker certificate (only for testing: anyone in the middle can read your data)',
  }),
};

export const mqttFields = {
  ...mqttConnectionFields,
  topic_prefix: stringField({
    default: 'myelectricaldata',
    pattern: TOPIC_PREFIX,
    describe: 'topic prefix (no wildcards, no leading or trailing slash)',
  }),
  qos: integerField({ default: 1, min: 0, max: 2, describe: 'QoS of every message' }),
  retain: booleanField({ default: true, describe: 'publish retained messages' }),
  ha_discovery: booleanField({
    default: false,
    describe:
      'also publish Home Assistant MQTT discovery configs for these topics (entities without the HA destination)',
  }),
  ha_discovery_prefix: stringField({
    default: 'homeassistant',
    pattern: TOPIC_PREFIX,
    describe: "Home Assistant's discovery prefix",
  }),
};

export type MqttConfig = ConfigOf<typeof mqttFields>;
