import { describe, expect, it } from 'vitest';
import { BatchSender } from '../../../src/engines/timeseries-backfill/batch-sender.js';
import type { LineFormat } from '../../../src/engines/timeseries-backfill/writer.js';

/** A format with typed values and text fields after the value, as InfluxDB line protocol writes them. */
const TYPED: LineFormat = {
  seriesPrefix: (metric, _labels, field) => `${metric} ${field}=`,
  seriesSuffix: (key) =>
    `${key.integer ? 'i' : ''}${Object.entries(key.textFields ?? {})
      .map(([name, value]) => `,${name}="${value}"`)
      .join('')}`,
  minTimestampMs: 0,
  formatValue: String,
  formatTimestamp: String,
};

const ONE_VALUE: LineFormat = { ...TYPED, seriesPrefix: (metric) => `${metric} ` };
delete (ONE_VALUE as { seriesSuffix?: unknown }).seriesSuffix;

async function body(format: LineFormat, fill: (sender: BatchSender) => void): Promise<string> {
  const sender = new BatchSender(100, { format, target: 'x', send: null });
  fill(sender);
  await sender.flush();
  return sender.payloads.map((payload) => String(payload.body)).join('');
}

describe('series suffix', () => {
  it('writes the suffix after each value: integers and text fields', async () => {
    const text = await body(TYPED, (sender) => {
      const base = { metric: 'tempo', labels: {}, field: 'code', integer: true, timestampMs: 5 };
      sender.add('tempo', { ...base, value: 3, textFields: { color: 'ROUGE' } });
      sender.add('tempo', { ...base, value: 1, textFields: { color: 'BLEU' } });
      sender.add('energy', { metric: 'energy', labels: {}, field: 'wh', value: 1.5, timestampMs: 6 });
    });
    expect(text).toBe('tempo code=3i,color="ROUGE" 5\ntempo code=1i,color="BLEU" 5\nenergy wh=1.5 6\n');
  });

  it('refuses a fraction in an integer series', () => {
    const sender = new BatchSender(100, { format: TYPED, target: 'x', send: null });
    const series = sender.series({ metric: 'level', labels: {}, field: 'v', integer: true });
    expect(() => sender.addValue('x', series, 1.5, 1)).toThrow(RangeError);
  });

  it('refuses text fields a format cannot write', async () => {
    const sender = new BatchSender(100, { format: ONE_VALUE, target: 'x', send: null });
    expect(() => sender.series({ metric: 'm', labels: {}, textFields: { a: 'b' } })).toThrow(RangeError);
    expect(
      await body(ONE_VALUE, (s) => s.add('k', { metric: 'm', labels: {}, value: 2, timestampMs: 1 })),
    ).toBe('m 2 1\n');
  });
});
