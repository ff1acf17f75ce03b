import { booleanField, integerField, stringField } from '../../config/fields.js';
import type { ConfigOf } from '../../config/fields.js';
import { MQTT_TOPIC_PREFIX, mqttConnectionFields } from '../../engines/mqtt-connection/fields.js';

export const mqttFields = {
  ...mqttConnectionFields,
  topic_prefix: stringField({
    default: 'myelectricaldata',
    pattern: MQTT_TOPIC_PREFIX,
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
    pattern: MQTT_TOPIC_PREFIX,
    describe: "Home Assistant's discovery prefix",
  }),
};

export type MqttConfig = ConfigOf<typeof mqttFields>;
