import { describe, expect, it } from 'vitest';
import { BatchSender } from '../../../src/engines/timeseries-backfill/batch-sender.js';
import type { Sample } from '../../../src/engines/timeseries-backfill/writer.js';
import { EXPOSITION } from '../../../src/destinations/victoriametrics/encode.js';
import { parseExposition } from './exposition-parser.js';

const sample = (day: number, index: number): Sample => ({
  metric: 'm',
  labels: { day: String(day) },
  value: index,
  timestampMs: 1_700_000_000_000 + day * 86_400_000 + index * 1_800_000,
});

/** Adds `days` days of `perDay` samples the way the exporter does: flushIfFull between two days. */
async function sendDays(sender: BatchSender, days: number, perDay: number) {
  for (let day = 0; day < days; day++) {
    await sender.flushIfFull();
    for (let index = 0; index < perDay; index++)
      sender.add(day % 2 === 0 ? 'even' : 'odd', sample(day, index));
  }
  await sender.flush();
}

describe('BatchSender', () => {
  it('sends batches of at least batchSize lines that never split a day, then the rest', async () => {
    const bodies: string[] = [];
    const sender = new BatchSender(100, {
      format: EXPOSITION,
      send: async (body) => void bodies.push(body.toString('utf8')),
      target: 'http://vm/api/v1/import/prometheus',
    });
    await sendDays(sender, 10, 48);
    const batches = bodies.map((body) => parseExposition(body).samples);
    expect(batches.map((batch) => batch.length)).toEqual([144, 144, 144, 48]);
    for (const batch of batches) {
      const days = new Set(batch.map((parsed) => parsed.labels['day']));
      expect(batch.length).toBe(days.size * 48);
    }
    expect(sender.confirmed).toBe(480);
    expect(sender.batches).toBe(4);
    expect(sender.confirmedKinds()).toEqual({ even: 240, odd: 240 });
  });

  it('counts nothing a failed batch carried', async () => {
    let calls = 0;
    const sender = new BatchSender(48, {
      format: EXPOSITION,
      send: async () => {
        calls += 1;
        if (calls === 3) throw new Error('HTTP 503');
      },
      target: 'x',
    });
    await expect(sendDays(sender, 5, 48)).rejects.toThrow('HTTP 503');
    expect(sender.confirmed).toBe(96);
    expect(sender.confirmedKinds()).toEqual({ even: 48, odd: 48 });
  });

  it('collects the batches as payloads in dry-run, sending nothing', async () => {
    const sender = new BatchSender(1000, {
      format: EXPOSITION,
      send: null,
      target: 'http://vm/api/v1/import/prometheus',
    });
    await sendDays(sender, 2, 3);
    expect(sender.payloads).toHaveLength(1);
    expect(sender.payloads[0]?.target).toBe('http://vm/api/v1/import/prometheus');
    expect(parseExposition(sender.payloads[0]?.body as string).samples).toHaveLength(6);
  });
});
