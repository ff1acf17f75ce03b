/** Settings a destination needs before it can build its payloads; a dry run never connects to them. */
export const DEMO_SETTINGS: Record<string, Record<string, string>> = {
  mqtt: { MQTT_BROKER: 'mqtt://localhost:1883' },
  home_assistant: {
    HOME_ASSISTANT_URL: 'http://homeassistant.local:8123',
    HOME_ASSISTANT_TOKEN: 'demo-token',
  },
  victoriametrics: { VICTORIAMETRICS_URL: 'http://localhost:8428' },
  jeedom: { JEEDOM_URL: 'http://jeedom.local', JEEDOM_API_KEY: 'demo-api-key' },
  influxdb: { INFLUXDB_URL: 'http://localhost:8086' },
};
