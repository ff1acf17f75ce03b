/**
 * Each destination's id and title, in the registry's order: what the command line's help shows. Kept apart from
 * the manifests, whose configuration fields load the domain rules, so `--help` loads neither (about 7 ms of a
 * 35 ms start); test/destinations/names.test.ts checks that they match the registry.
 */
export const destinationNames: readonly { id: string; title: string }[] = [
  { id: 'mqtt', title: 'MQTT broker' },
  { id: 'home_assistant', title: 'Home Assistant' },
  { id: 'victoriametrics', title: 'VictoriaMetrics' },
  { id: 'jeedom', title: 'Jeedom' },
  { id: 'influxdb', title: 'InfluxDB' },
];

/** The ids as the help lists them: `mqtt, home_assistant, …`. */
export const destinationIdList = destinationNames.map((destination) => destination.id).join(', ');
