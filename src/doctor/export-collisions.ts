import type { MedExportConfig } from '../query/health-queries.js';
import type { Finding } from './finding.js';

/** What an enabled med-export destination writes, from its options (the names of its configuration keys). */
export interface ExportTarget {
  /** `home_assistant`, `mqtt`, `victoriametrics`, `jeedom`… */
  destination: string;
  options: Readonly<Record<string, unknown>>;
}

// MyElectricalData's defaults: apps/api/src/services/exporters/home_assistant.py:104 (entity_prefix), :1759
// (statistic_id_prefix), apps/api/src/services/exporters/mqtt.py:64 (topic_prefix).
const MED_DEFAULT_PREFIX = 'myelectricaldata';

/**
 * MyElectricalData's own exports (`export_configs`) that write where an enabled med-export destination writes:
 * two writers with different payloads on the same Home Assistant statistics or the same MQTT topics, each
 * overwriting the other. Cheap (no network): call it from `doctor`, `test --destination` and once per `export`.
 */
export function findExportCollisions(
  medExports: readonly MedExportConfig[],
  targets: readonly ExportTarget[],
  usagePointIds: readonly string[],
): Finding[] {
  const findings: Finding[] = [];
  const target = (id: string) => targets.find((candidate) => candidate.destination === id);
  const ha = target('home_assistant');
  const mqtt = target('mqtt');
  for (const medExport of medExports) {
    const config = objectOf(medExport.config);
    const pdls = pdlsOf(medExport.usagePointIds, usagePointIds);
    if (medExport.type === 'home_assistant') {
      const statisticPrefix = text(config['statistic_id_prefix']) ?? MED_DEFAULT_PREFIX;
      // Its Energy dashboard import runs only with a Home Assistant URL and token (home_assistant.py:1534).
      const imports = Boolean(config['ha_url'] && config['ha_token']) && config['energy_enabled'] !== false;
      if (
        ha &&
        imports &&
        ha.options['statistics'] !== false &&
        text(ha.options['statistic_id_prefix']) === statisticPrefix
      ) {
        const ids = pdls.flatMap((pdl) => [
          `${statisticPrefix}:consumption_${pdl}_<tariff>`,
          `${statisticPrefix}:cost_${pdl}_<tariff>`,
          `${statisticPrefix}:production_${pdl}`,
        ]);
        findings.push(collision(medExport, 'home_assistant', `the same statistic ids: ${ids.join(', ')}`));
      }
      const entityPrefix = text(config['entity_prefix']) ?? MED_DEFAULT_PREFIX;
      if (config['mqtt_broker'] && config['mqtt_enabled'] !== false) {
        for (const [destination, prefix] of mqttPrefixes(ha, mqtt)) {
          if (prefix === entityPrefix) {
            findings.push(
              collision(
                medExport,
                destination,
                `the same MQTT topic prefix "${prefix}/" (${prefix}/status and the per-PDL state topics)`,
              ),
            );
          }
        }
      }
    } else if (medExport.type === 'mqtt') {
      const prefix = text(config['topic_prefix']) ?? MED_DEFAULT_PREFIX;
      for (const [destination, ownPrefix] of mqttPrefixes(ha, mqtt)) {
        if (ownPrefix === prefix) {
          const topics = pdls.map((pdl) => `${prefix}/${pdl}/consumption/…`);
          findings.push(
            collision(
              medExport,
              destination,
              `the same MQTT topic prefix "${prefix}/": ${[`${prefix}/status`, ...topics].join(', ')}`,
            ),
          );
        }
      }
    }
  }
  return findings;
}

function mqttPrefixes(ha: ExportTarget | undefined, mqtt: ExportTarget | undefined): [string, string][] {
  const prefixes: [string, string][] = [];
  const mqttPrefix = text(mqtt?.options['topic_prefix']);
  if (mqttPrefix) prefixes.push(['mqtt', mqttPrefix]);
  // Home Assistant's entities go over MQTT unless set to `rest` or `none`.
  const haPrefix = text(ha?.options['mqtt_topic_prefix']);
  const haEntities = ha?.options['entities'];
  if (haPrefix && haEntities !== 'rest' && haEntities !== 'none') prefixes.push(['home_assistant', haPrefix]);
  return prefixes;
}

function collision(medExport: MedExportConfig, destination: string, what: string): Finding {
  return {
    code: 'export_collision',
    message: `MyElectricalData's own export "${medExport.name}" (${medExport.type}, enabled in its export_configs) writes ${what}, as med-export's ${destination} destination does`,
    meaning:
      'two writers with different payloads overwrite each other: the values seen depend on which ran last',
    action: `disable "${medExport.name}" in MyElectricalData's Exporters page, or give med-export's ${destination} another prefix`,
  };
}

function pdlsOf(stored: unknown, all: readonly string[]): string[] {
  const list = typeof stored === 'string' ? safeParse(stored) : stored;
  return Array.isArray(list) && list.length > 0
    ? list.filter((id): id is string => typeof id === 'string')
    : [...all];
}

function objectOf(value: unknown): Record<string, unknown> {
  const parsed = typeof value === 'string' ? safeParse(value) : value;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
