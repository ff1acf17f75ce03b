import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../src/contract/destination.js';
import { HOUR_MS } from '../../../src/domain/durations.js';
import { parisDate } from '../../../src/domain/paris-time.js';
import { runBackfillPass } from '../../../src/engines/timeseries-backfill/pass.js';
import type { BackfillPassOptions } from '../../../src/engines/timeseries-backfill/pass.js';
import { readBackfillState, toStoredBackfillState } from '../../../src/engines/timeseries-backfill/state.js';
import type { BackfillState } from '../../../src/engines/timeseries-backfill/state.js';
import { PDL_ID, TEST_SCHEMA, exportContext, memoryData, memoryServer } from './in-memory.js';
import type { Delivered, MemoryData, MemoryServer } from './in-memory.js';

const WRITTEN = new Date('2024-01-15T00:00:00Z');
const NOW = new Date('2024-01-20T12:00:00Z');
const DAYS = 10;
/** 10 days, 1 month, 480 half-hours, 3 Tempo days, 1 EcoWatt day (the second is too far ahead to be stored). */
const ALL_SAMPLES = DAYS + 1 + DAYS * 48 + 3 + 1;

function data(): MemoryData {
  const result = memoryData('2024-01-01', DAYS, WRITTEN);
  result.tempo = [
    { date: '2024-01-08', color: 'BLUE' },
    { date: '2024-01-09', color: 'WHITE' },
    { date: '2024-01-10', color: 'RED' },
  ];
  const ecowatt = { generatedAt: WRITTEN, message: null, hourlyValues: null };
  result.ecowatt = [
    { ...ecowatt, date: '2024-01-10', level: 1 },
    { ...ecowatt, date: '2024-01-23', level: 2 },
  ];
  return result;
}

function options(server: MemoryServer, batchSize = 100): BackfillPassOptions<BackfillState> {
  return {
    title: 'Memory',
    writer: server.writer,
    schema: TEST_SCHEMA,
    batchSize,
    summaryTarget: 'memory://server',
    maxAheadMs: 36 * HOUR_MS,
    state: { read: readBackfillState, store: toStoredBackfillState },
  };
}

const keyOf = (sample: Delivered) => `${sample.series}@${sample.timestampMs}`;
const isDetailed = (sample: Delivered) => sample.series.includes('"type":"detailed"');

async function refusedPass(
  promise: Promise<unknown>,
): Promise<NonNullable<DeliveryError['confirmed']> & { message: string }> {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  const { confirmed, message } = error as DeliveryError;
  expect(confirmed).toBeDefined();
  return { ...confirmed!, message };
}

describe('runBackfillPass', () => {
  it('delivers every sample once, in requests that never split a day, and remembers what was accepted', async () => {
    const server = memoryServer();
    const outcome = await runBackfillPass(exportContext(data(), { now: NOW }), options(server));

    expect(outcome.records).toBe(ALL_SAMPLES);
    expect(server.stored).toHaveLength(ALL_SAMPLES);
    expect(new Set(server.stored.map(keyOf)).size).toBe(ALL_SAMPLES);
    expect(outcome.details).toMatchObject({
      samples: {
        tempo: 3,
        ecowatt: 1,
        consumption_daily: DAYS,
        consumption_monthly: 1,
        consumption_detailed: DAYS * 48,
      },
      batches: server.requests.length,
      ecowatt_days_deferred: 1,
    });
    expect(outcome.summary).toBe(
      `${ALL_SAMPLES} samples in ${server.requests.length} batch(es) to memory://server`,
    );
    for (const request of server.requests) {
      const halfHours = request.filter(isDetailed);
      const days = new Set(halfHours.map((sample) => parisDate(new Date(sample.timestampMs))));
      expect(halfHours.length).toBe(days.size * 48);
    }
    // 30-minute step: Wh = W / 2.
    expect(
      server.stored
        .filter(isDetailed)
        .slice(0, 2)
        .map((sample) => sample.value),
    ).toEqual([50, 50.5]);

    const state = readBackfillState(outcome.state);
    expect(state.backfilled).toEqual(
      ['consumption_daily', 'consumption_detailed', 'consumption_monthly'].map((kind) => `${PDL_ID}:${kind}`),
    );
    expect(state.progress).toEqual({});
    expect(state.resumeSince).toBeNull();
    expect(state.tempo['2024-01']?.slice(7, 10)).toBe('BWR');
  });

  it('keeps only what was accepted when a request is refused, and the next pass sends the rest, once', async () => {
    const server = memoryServer();
    server.refuse = (request) => request === 3;
    const records = data();
    const failed = await refusedPass(runBackfillPass(exportContext(records, { now: NOW }), options(server)));

    expect(failed.message).toMatch(/^Memory stopped accepting samples after \d+: HTTP 503 from request 3$/);
    expect(failed.records).toBe(server.stored.length);
    expect(server.stored.length).toBeLessThan(ALL_SAMPLES - 48);
    const partial = readBackfillState(failed.state);
    expect(partial.progress[`${PDL_ID}:consumption_detailed`]).toMatch(/^2024-01-0\d$/);
    expect(partial.resumeSince).not.toBeNull();

    // No success yet, so the core has no watermark: the engine's own resume point stands in.
    server.refuse = () => false;
    const resumed = await runBackfillPass(
      exportContext(records, { now: NOW, state: failed.state }),
      options(server),
    );
    expect(resumed.records).toBe(ALL_SAMPLES - failed.records);
    expect(server.stored).toHaveLength(ALL_SAMPLES);
    expect(new Set(server.stored.map(keyOf)).size).toBe(ALL_SAMPLES);

    const again = await runBackfillPass(
      exportContext(records, { now: NOW, state: resumed.state, changedSince: NOW }),
      options(server),
    );
    expect(again.records).toBe(0);
    expect(server.stored).toHaveLength(ALL_SAMPLES);
  });

  it('says nothing was accepted, and keeps no state, when the first request is refused', async () => {
    const server = memoryServer();
    server.refuse = () => true;
    const failure = runBackfillPass(exportContext(data(), { now: NOW }), options(server));
    await expect(failure).rejects.toThrow(/^Memory accepted nothing: HTTP 503 from request 1$/);
    await expect(failure).rejects.toMatchObject({ confirmed: undefined });
  });

  it('sends again only a day whose content changed, with its month, not one rewritten unchanged', async () => {
    const server = memoryServer();
    const records = data();
    const first = await runBackfillPass(exportContext(records, { now: NOW }), options(server));
    const rewrittenAt = new Date('2024-01-18T00:00:00Z');
    records.daily[4] = { ...records.daily[4]!, value: 1999, updatedAt: rewrittenAt };
    records.daily[5] = { ...records.daily[5]!, updatedAt: rewrittenAt };
    records.detailed = records.detailed.map((row) =>
      row.date === '2024-01-07' ? { ...row, updatedAt: rewrittenAt } : row,
    );
    records.clock = NOW;
    const before = server.stored.length;

    const next = await runBackfillPass(
      exportContext(records, {
        now: NOW,
        state: first.state,
        changedSince: new Date('2024-01-16T00:00:00Z'),
      }),
      options(server),
    );
    const sent = server.stored.slice(before);
    expect(next.records).toBe(2);
    expect(sent.map((sample) => [sample.series.match(/"type":"(\w+)"/)?.[1], sample.value])).toEqual([
      ['daily', 1999],
      ['monthly', 10_045 - 1004 + 1999],
    ]);
  });

  it('re-sends every day from --since on, whatever was sent before', async () => {
    const server = memoryServer();
    const records = data();
    const first = await runBackfillPass(exportContext(records, { now: NOW }), options(server));
    const before = server.stored.length;
    await runBackfillPass(
      exportContext(records, { now: NOW, state: first.state, changedSince: NOW, resendFrom: '2024-01-09' }),
      options(server),
    );
    const sent = server.stored.slice(before);
    // Days 9 and 10 (daily and half-hours), the month they are in, two Tempo days, one EcoWatt day.
    expect(sent).toHaveLength(2 + 1 + 2 * 48 + 2 + 1);
  });

  it('writes the power of each half-hour beside its energy when the schema has a power series', async () => {
    const server = memoryServer();
    const labels = (type: string) => ({ pdl: PDL_ID, type });
    const outcome = await runBackfillPass(exportContext(data(), { now: NOW }), {
      ...options(server),
      schema: {
        ...TEST_SCHEMA,
        energySeries: (_pdl, direction, type) => ({
          energy: { metric: direction, labels: labels(type), field: 'energy_wh' },
          power: { metric: direction, labels: labels(type), field: 'power_w' },
        }),
      },
    });
    expect(outcome.records).toBe(ALL_SAMPLES + DAYS * 48);
    const power = server.stored.filter((sample) => sample.series.startsWith('consumption.power_w'));
    expect(power).toHaveLength(DAYS * 48);
    expect(power.every((sample) => sample.series.includes('"type":"detailed"'))).toBe(true);
    const first = server.stored.filter(
      (sample) => isDetailed(sample) && sample.timestampMs === power[0]!.timestampMs,
    );
    expect(first.map((sample) => [sample.series.split('{')[0], sample.value])).toEqual([
      ['consumption.energy_wh', 50],
      ['consumption.power_w', 100],
    ]);
  });

  it('collects the requests as payloads in dry-run, sending nothing', async () => {
    const server = memoryServer();
    const outcome = await runBackfillPass(exportContext(data(), { now: NOW, dryRun: true }), options(server));
    expect(server.stored).toEqual([]);
    expect(outcome.payloads.every((payload) => payload.target === 'memory://server')).toBe(true);
    const lines = outcome.payloads.flatMap((payload) => (payload.body as string).split('\n').filter(Boolean));
    expect(lines).toHaveLength(ALL_SAMPLES);
  });

  it("sends the closing samples in the last request and stores the destination's own state only once accepted", async () => {
    interface CountingState extends BackfillState {
      runs: number;
    }
    const counting = (server: MemoryServer): BackfillPassOptions<CountingState> => ({
      ...options(server),
      state: {
        read: (raw) => ({
          ...readBackfillState(raw),
          runs: typeof raw['runs'] === 'number' ? raw['runs'] : 0,
        }),
        store: (state) => ({ ...toStoredBackfillState(state), runs: state.runs }),
      },
      closing: (records, previous) => ({
        kind: 'run',
        samples: [{ metric: 'run', labels: {}, value: records, timestampMs: NOW.getTime() }],
        state: { runs: previous.runs + 1 },
      }),
    });

    const server = memoryServer();
    const outcome = await runBackfillPass(exportContext(data(), { now: NOW }), counting(server));
    expect(server.requests.at(-1)?.at(-1)).toEqual({
      series: 'run{}',
      value: ALL_SAMPLES,
      timestampMs: NOW.getTime(),
    });
    expect(outcome.state['runs']).toBe(1);

    // The closing samples' request refused: what came before is confirmed, the destination's own state is not.
    const requests = server.requests.length;
    expect(requests).toBeGreaterThan(1);
    const refused = memoryServer();
    refused.refuse = (request) => request === requests;
    const failed = await refusedPass(runBackfillPass(exportContext(data(), { now: NOW }), counting(refused)));
    expect(failed.records).toBe(server.requests.slice(0, -1).flat().length);
    expect(failed.state['runs']).toBe(0);
  });
});
