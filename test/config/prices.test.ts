import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { destinationManifests } from '../../src/destinations/registry.js';

const load = (env: Record<string, string>, configPath?: string) =>
  loadConfig({
    env,
    destinations: destinationManifests,
    cwd: mkdtempSync(join(tmpdir(), 'med-prices-')),
    ...(configPath ? { configPath } : {}),
  });

describe('run-wide prices', () => {
  it('reads MED_PRICES and MED_PRODUCTION_PRICE, by PDL too', async () => {
    const { settings, warnings } = await load({
      MED_PRICES: '{"hc": 0.2068, "subscription": 15.74, "12345678901234": {"base": 0.1952}}',
      MED_PRODUCTION_PRICE: '{"12345678901234": 0.1269}',
    });
    expect(settings.prices).toEqual({
      all: { byTariff: { hc: 0.2068 }, subscription: 15.74 },
      byPdl: { '12345678901234': { byTariff: { base: 0.1952 }, subscription: null } },
    });
    expect(settings.productionPrice).toEqual({ all: null, byPdl: { '12345678901234': 0.1269 } });
    expect(warnings).toEqual([]);
  });

  it('reads the file keys prices and production_price', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'med-prices-'));
    const path = join(dir, 'c.yaml');
    writeFileSync(path, 'prices:\n  weekend_hc: 0.15\nproduction_price: 0.1\n');
    const { settings } = await load({}, path);
    expect(settings.prices.all.byTariff).toEqual({ weekend_hc: 0.15 });
    expect(settings.productionPrice).toEqual({ all: 0.1, byPdl: {} });
  });

  it('names the key of a bad value', async () => {
    await expect(load({ MED_PRICES: '{"hc": -1}' })).rejects.toThrow(ConfigError);
    await expect(load({ MED_PRICES: '{"hc": -1}' })).rejects.toThrow(/MED_PRICES\.hc must be a number/);
    await expect(load({ MED_PRICES: '{"turbo": 1}' })).rejects.toThrow(/MED_PRICES: unknown key "turbo"/);
    await expect(load({ MED_PRODUCTION_PRICE: 'cheap' })).rejects.toThrow(/^MED_PRODUCTION_PRICE/);
  });

  it('keeps HOME_ASSISTANT_PRICES as a deprecated alias, MED_PRICES winning', async () => {
    const alias = await load({ HOME_ASSISTANT_PRICES: '{"hp": 0.27}' });
    expect(alias.settings.prices.all.byTariff).toEqual({ hp: 0.27 });
    expect(alias.warnings).toEqual([expect.stringMatching(/HOME_ASSISTANT_PRICES .*deprecated.*MED_PRICES/)]);
    const both = await load({ HOME_ASSISTANT_PRICES: '{"hp": 0.27}', MED_PRICES: '{"hp": 0.3}' });
    expect(both.settings.prices.all.byTariff).toEqual({ hp: 0.3 });
    await expect(load({ HOME_ASSISTANT_PRICES: '{"hp": "x"}' })).rejects.toThrow(/^HOME_ASSISTANT_PRICES/);
  });
});
