import { booleanField, optional, secretField, stringField, urlField } from '../../config/fields.js';

/** A topic prefix without wildcards, whitespace, or a leading or trailing slash. */
export const MQTT_TOPIC_PREFIX = /^[^#+\s/][^#+\s]*[^#+\s/]$|^[^#+\s/]$/;

export const MQTT_BROKER_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'] as const;

/** Broker, credentials and TLS options, shared with every destination that publishes over MQTT. */
export const mqttConnectionFields = {
  broker: urlField({
    required: true,
    protocols: MQTT_BROKER_PROTOCOLS,
    describe: 'broker URL, credentials included or not: mqtt://user:pass@host:1883 or mqtts://host:8883',
  }),
  username: optional(
    stringField({ describe: 'user name on the broker (takes precedence over the one in the broker URL)' }),
  ),
  password: optional(
    secretField({
      describe:
        'password on the broker, as is (no URL encoding; takes precedence over the one in the broker URL)',
    }),
  ),
  client_id: optional(stringField({ describe: 'MQTT client id (default: med-export-<random>)' })),
  ca_cert: optional(stringField({ describe: 'PEM file of the CA that signed the broker certificate' })),
  client_cert: optional(stringField({ describe: 'PEM client certificate for mutual TLS' })),
  client_key: optional(stringField({ describe: 'PEM private key of the client certificate' })),
  tls_insecure: booleanField({
    default: false,
    describe: 'accept any broker certificate (only for testing: anyone in the middle can read your data)',
  }),
};
