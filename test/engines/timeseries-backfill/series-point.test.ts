import { describe, expect, it } from 'vitest';
import { BatchSender } from '../../../src/engines/timeseries-backfill/batch-sender.js';
import { LINE_PROTOCOL } from '../../../src/destinations/influxdb/encode.js';
import { EXPOSITION } from '../../../src/destinations/victoriametrics/encode.js';
import type { LineFormat, SeriesKey } from '../../../src/engines/timeseries-backfill/writer.js';

const tags = { pdl: '12345678901234', granularity: 'detailed' };
const energy: SeriesKey = { metric: 'consumption', labels: tags, field: 'energy_wh' };
const power: SeriesKey = { metric: 'consumption', labels: tags, field: 'power_w' };

async function pointLines(format: LineFormat, first: SeriesKey, second: SeriesKey) {
  const sender = new BatchSender(100, { format, target: 'x', send: null });
  const point = sender.point(sender.series(first), sender.series(second));
  sender.addPoint('consumption_detailed', point, 250.5, 501, 1_700_000_000_000);
  sender.addPoint('consumption_detailed', point, 0, 0, 1_700_000_001_800);
  await sender.flush();
  return {
    text: sender.payloads.map((payload) => String(payload.body)).join(''),
    confirmed: sender.confirmed,
  };
}

describe('two series of one point', () => {
  it('share a line, counted once, where the format joins their fields (InfluxDB line protocol)', async () => {
    const { text, confirmed } = await pointLines(LINE_PROTOCOL, energy, power);
    expect(text).toBe(
      'consumption,granularity=detailed,pdl=12345678901234 energy_wh=250.5,power_w=501 1700000000000\n' +
        'consumption,granularity=detailed,pdl=12345678901234 energy_wh=0,power_w=0 1700000001800\n',
    );
    expect(confirmed).toBe(2);
  });

  it('are a line each when they are not fields of one point', async () => {
    const other = { ...power, labels: { ...tags, granularity: 'daily' } };
    const { text, confirmed } = await pointLines(LINE_PROTOCOL, energy, other);
    expect(text.split('\n').filter(Boolean)).toHaveLength(4);
    expect(text).toContain('consumption,granularity=daily,pdl=12345678901234 power_w=501 1700000000000\n');
    expect(confirmed).toBe(4);
  });

  it('are a line each in a format of one value per line (Prometheus exposition)', async () => {
    const { text } = await pointLines(
      EXPOSITION,
      { metric: 'energy_wh', labels: tags },
      { metric: 'power_w', labels: tags },
    );
    expect(text).toBe(
      'energy_wh{pdl="12345678901234",granularity="detailed"} 250.5 1700000000000\n' +
        'power_w{pdl="12345678901234",granularity="detailed"} 501 1700000000000\n' +
        'energy_wh{pdl="12345678901234",granularity="detailed"} 0 1700000001800\n' +
        'power_w{pdl="12345678901234",granularity="detailed"} 0 1700000001800\n',
    );
  });

  it('refuses a value the format cannot carry in either field', () => {
    const sender = new BatchSender(100, { format: LINE_PROTOCOL, target: 'x', send: null });
    const point = sender.point(sender.series(energy), sender.series(power));
    expect(() => sender.addPoint('k', point, 1, Number.NaN, 1_700_000_000_000)).toThrow(RangeError);
    expect(() => sender.addPoint('k', point, Number.POSITIVE_INFINITY, 1, 1_700_000_000_000)).toThrow(
      RangeError,
    );
  });
});
