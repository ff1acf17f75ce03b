import type { InfluxdbConfig } from '../../../src/destinations/influxdb/config.js';
import { influxdbFields } from '../../../src/destinations/influxdb/config.js';
import type { TestContext } from '../../../src/contract/destination.js';
import { createLogger } from '../../../src/logger.js';
import { NO_CONFIGURED_PRICES } from '../../../src/domain/offer-prices.js';

/** The configuration the loader would give: each field's default, then `options` parsed by their own fields. */
export function influxConfig(options: Record<string, string>): InfluxdbConfig {
  const config: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(influxdbFields)) {
    config[key] = key in options ? field.parse(options[key], `INFLUXDB_${key.toUpperCase()}`) : field.default;
  }
  return config as InfluxdbConfig;
}

export function testContext(options: Record<string, string>): TestContext<InfluxdbConfig> {
  return {
    config: influxConfig(options),
    settings: {
      pdls: [],
      defaultOffpeakHours: '22:00-06:00',
      prices: { all: NO_CONFIGURED_PRICES, byPdl: {} },
      productionPrice: null,
    },
    timeoutMs: 5_000,
    log: createLogger('quiet', () => {}),
  };
}
