import { DATA_KINDS } from '../domain/vocabulary.js';
import { parsePriceOverrides, parseProductionPrice } from '../domain/offer-prices.js';
import type { ParseResult, PriceOverrides, ProductionPrice } from '../domain/offer-prices.js';
import { ConfigError } from './config-error.js';
import type { Field } from './fields.js';
import {
  booleanField,
  enumListField,
  integerField,
  optional,
  stringField,
  stringListField,
  urlField,
} from './fields.js';

export const DEFAULT_EXPORT_DATA = [
  'consumption_daily',
  'consumption_monthly',
  'production_daily',
  'production_monthly',
  'tempo',
  'ecowatt',
] as const;

/** Options every destination has; environment `{DESTINATION}_{KEY}`. */
export const commonDestinationFields = {
  enabled: booleanField({ default: false, describe: 'export to this destination' }),
  interval: integerField({
    default: 60,
    min: 1,
    max: 10_080,
    describe: 'minutes between two exports (a run before that skips it unless --force)',
  }),
  export_data: enumListField(DATA_KINDS, { default: DEFAULT_EXPORT_DATA, describe: 'data kinds to export' }),
  timeout: integerField({
    default: 30,
    min: 1,
    max: 3600,
    describe: 'seconds before a request to the destination is abandoned',
  }),
};

/** A run-wide option parsed by a domain parser, whose error (naming the key) becomes the ConfigError. */
function domainField<T>(
  kind: string,
  describe: string,
  expected: string,
  parse: (raw: unknown, key: string) => ParseResult<T>,
): Field<T | undefined> {
  return {
    kind,
    default: undefined,
    required: false,
    secret: false,
    describe,
    parse(raw, key) {
      const parsed = parse(raw, key);
      if (!parsed.ok) throw new ConfigError(key, raw, `${expected} (${parsed.error})`);
      return parsed.value;
    },
  };
}

/** Run-wide options, each with its environment variable. */
export const globalFields = {
  database_url: {
    env: 'DATABASE_URL',
    field: optional(
      urlField({
        protocols: ['postgres:', 'postgresql:'],
        describe: 'PostgreSQL URL of the MyElectricalData database',
      }),
    ),
  },
  pdl: {
    env: 'MED_PDL',
    field: stringListField({
      default: [],
      itemPattern: /^\d{14}$/,
      itemExpected: '14-digit PDL numbers',
      describe: 'only export these usage points (default: every active one)',
    }),
  },
  offpeak_hours: {
    env: 'MED_OFFPEAK_HOURS',
    field: stringField({
      default: '22:00-06:00',
      pattern:
        /^\s*\d{1,2}[:hH]\d{2}\s*-\s*\d{1,2}[:hH]\d{2}\s*([;,]\s*\d{1,2}[:hH]\d{2}\s*-\s*\d{1,2}[:hH]\d{2}\s*)*$/,
      describe: "off-peak ranges used when a PDL's own offpeak_hours cannot be read",
    }),
  },
  prices: {
    env: 'MED_PRICES',
    field: domainField<PriceOverrides>(
      'object',
      "€/kWh by tariff (and subscription €/month), optionally by PDL, where the PDL's offer has no price",
      'a JSON object of prices by tariff',
      (raw, key) => parsePriceOverrides(raw, key),
    ),
  },
  production_price: {
    env: 'MED_PRODUCTION_PRICE',
    field: domainField<ProductionPrice | null>(
      'number',
      '€/kWh paid for produced energy (a number, or a map by PDL): revenue statistics',
      'a number ≥ 0 or a JSON object of them by PDL',
      (raw, key) => parseProductionPrice(raw, key),
    ),
  },
};
