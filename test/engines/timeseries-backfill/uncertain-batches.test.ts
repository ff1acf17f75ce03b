import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../src/contract/destination.js';
import { HOUR_MS } from '../../../src/domain/durations.js';
import { runBackfillPass } from '../../../src/engines/timeseries-backfill/pass.js';
import type { BackfillPassOptions } from '../../../src/engines/timeseries-backfill/pass.js';
import { readBackfillState, toStoredBackfillState } from '../../../src/engines/timeseries-backfill/state.js';
import type { BackfillState } from '../../../src/engines/timeseries-backfill/state.js';
import type { TimeSeriesWriter } from '../../../src/engines/timeseries-backfill/writer.js';
import { TEST_FORMAT, exportContext, memoryData, memoryServer } from './in-memory.js';
import type { Delivered, MemoryServer } from './in-memory.js';

/**
 * A batch whose fate is unknown: the server stored part of it (a request cut mid-body) and never answered, or
 * the process died before the answer. Its series and span are recorded before it is sent, and the next pass
 * reads them back and sends only what the server lacks.
 */

const WRITTEN = new Date('2024-01-15T00:00:00Z');
const NOW = new Date('2024-01-20T12:00:00Z');
const DAYS = 10;
/** 10 days, 1 month, 480 half-hours (no Tempo, no EcoWatt). */
const ALL_SAMPLES = DAYS + 1 + DAYS * 48;

/** The in-memory server, able to read back what it stores, that keeps only the first half of request `cut`. */
function cuttingServer(cut: number): MemoryServer & { cutDone: boolean } {
  const server = memoryServer();
  const send = server.writer.send!;
  let count = 0;
  const cutting = Object.assign(server, { cutDone: false });
  const writer: TimeSeriesWriter = {
    ...server.writer,
    send: async (body) => {
      count += 1;
      if (count !== cut) return send(body);
      const lines = body.toString('utf8').split('\n');
      await send(Buffer.from(lines.slice(0, Math.floor(lines.length / 2)).join('\n') + '\n'));
      cutting.cutDone = true;
      throw new Error('connection reset');
    },
    async readBack(series, fromMs, toMs) {
      const prefix = TEST_FORMAT.seriesPrefix(series.metric, series.labels, series.field).slice(0, -1);
      return server.stored
        .filter(
          (sample) => sample.series === prefix && sample.timestampMs >= fromMs && sample.timestampMs <= toMs,
        )
        .map(({ timestampMs, value }) => ({ timestampMs, value }));
    },
  };
  cutting.writer = writer;
  return cutting;
}

/**
 * A server that stores request `late` whole, but only `delayMs` after its sender saw the connection fail: a
 * process killed after sending, whose request the server was still reading or storing.
 */
function lateServer(late: number, delayMs: number): MemoryServer & { lateStored: Promise<void> } {
  // Request 0 is never cut: this one stores every request whole, and reads back what it stores.
  const server = cuttingServer(0);
  const send = server.writer.send!;
  let count = 0;
  let storedLate: () => void = () => {};
  const result = Object.assign(server, {
    lateStored: new Promise<void>((resolve) => (storedLate = resolve)),
  });
  result.writer = {
    ...server.writer,
    send: async (body) => {
      count += 1;
      if (count !== late) return send(body);
      const copy = Buffer.from(body);
      setTimeout(() => void send(copy).then(storedLate), delayMs);
      throw new Error('socket hang up');
    },
  };
  return result;
}

function options(server: MemoryServer): BackfillPassOptions<BackfillState> {
  return {
    title: 'Memory',
    writer: server.writer,
    schema: {
      energySeries: (pdl, direction, type) => ({
        energy: { metric: direction, labels: { pdl: pdl.usagePointId, type } },
      }),
      tempoDaySamples: () => [],
      ecowattDaySamples: () => ({ samples: [], skippedHours: 0, hourlyUnreadable: false }),
    },
    batchSize: 100,
    summaryTarget: 'memory://server',
    maxAheadMs: 36 * HOUR_MS,
    state: { read: readBackfillState, store: toStoredBackfillState },
  };
}

const keyOf = (sample: Delivered) => `${sample.series}@${sample.timestampMs}`;
const exportData = ['consumption_daily', 'consumption_monthly', 'consumption_detailed'] as const;

async function failedPass(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('a batch whose fate is unknown', () => {
  it('cut mid-body: the partial state names its spans, and the next pass sends only what is missing', async () => {
    const server = cuttingServer(3);
    const records = memoryData('2024-01-01', DAYS, WRITTEN);
    const failed = await failedPass(
      runBackfillPass(exportContext(records, { now: NOW, exportData }), options(server)),
    );
    expect(server.cutDone).toBe(true);
    // The server holds more than it confirmed: half of the cut request.
    expect(server.stored.length).toBeGreaterThan(failed.confirmed!.records);
    const uncertain = readBackfillState(failed.confirmed!.state).uncertain ?? [];
    expect(uncertain.map((span) => span.series.labels['type'])).toContain('detailed');

    const resumed = await runBackfillPass(
      exportContext(records, { now: NOW, exportData, state: failed.confirmed!.state }),
      options(server),
    );
    expect(resumed.details['alreadyStored']).toBeGreaterThan(0);
    expect(server.stored).toHaveLength(ALL_SAMPLES);
    expect(new Set(server.stored.map(keyOf)).size).toBe(ALL_SAMPLES);
    expect(readBackfillState(resumed.state).uncertain).toBeUndefined();
  });

  it('the first batch cut mid-body, nothing confirmed: its spans are kept all the same, nothing stored twice', async () => {
    const server = cuttingServer(1);
    const records = memoryData('2024-01-01', DAYS, WRITTEN);
    const failed = await failedPass(
      runBackfillPass(exportContext(records, { now: NOW, exportData }), options(server)),
    );
    expect(failed.message).toMatch(/^Memory accepted nothing: /);
    expect(server.stored.length).toBeGreaterThan(0);
    expect(failed.confirmed?.records).toBe(0);
    expect(readBackfillState(failed.confirmed!.state).uncertain?.length).toBeGreaterThan(0);

    await runBackfillPass(
      exportContext(records, { now: NOW, exportData, state: failed.confirmed!.state }),
      options(server),
    );
    expect(server.stored).toHaveLength(ALL_SAMPLES);
    expect(new Set(server.stored.map(keyOf)).size).toBe(ALL_SAMPLES);
  });

  it('refused before anything reached the server: no state to keep', async () => {
    const server = memoryServer();
    server.writer = {
      ...server.writer,
      send: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    };
    const records = memoryData('2024-01-01', DAYS, WRITTEN);
    const failed = await failedPass(
      runBackfillPass(exportContext(records, { now: NOW, exportData }), options(server)),
    );
    expect(failed.confirmed).toBeUndefined();
  });

  it('killed mid-request: the checkpoint made before the request lets the next pass store nothing twice', async () => {
    const server = cuttingServer(3);
    const records = memoryData('2024-01-01', DAYS, WRITTEN);
    const checkpoints: Record<string, unknown>[] = [];
    const context = {
      ...exportContext(records, { now: NOW, exportData }),
      checkpoint: async (state: Record<string, unknown>) => {
        checkpoints.push(state);
      },
    };
    await failedPass(runBackfillPass(context, options(server)));
    // One checkpoint before each of the three requests, the cut one included (whose half the server stored);
    // the process "dies" right after the last one.
    expect(server.requests).toHaveLength(3);
    expect(checkpoints).toHaveLength(3);
    const lastCheckpoint = checkpoints.at(-1)!;
    expect(readBackfillState(lastCheckpoint).uncertain?.length).toBeGreaterThan(0);

    await runBackfillPass(
      exportContext(records, { now: NOW, exportData, state: lastCheckpoint }),
      options(server),
    );
    expect(server.stored).toHaveLength(ALL_SAMPLES);
    expect(new Set(server.stored.map(keyOf)).size).toBe(ALL_SAMPLES);
  });

  it('stored by the server after its sender failed: read back once it had time to end, stored once', async () => {
    const server = lateServer(3, 300);
    const records = memoryData('2024-01-01', DAYS, WRITTEN);
    const failed = await failedPass(
      runBackfillPass(exportContext(records, { now: NOW, exportData }), options(server)),
    );
    expect(readBackfillState(failed.confirmed!.state).uncertainSentAt).toBeDefined();
    // The next run starts at once, while the server still has the request.
    await runBackfillPass(
      exportContext(records, { now: NOW, exportData, state: failed.confirmed!.state }),
      options(server),
    );
    await server.lateStored;
    expect(new Set(server.stored.map(keyOf)).size).toBe(ALL_SAMPLES);
    expect(server.stored).toHaveLength(ALL_SAMPLES);
  });
});
