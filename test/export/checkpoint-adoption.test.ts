import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/tables.js';
import { completeLog, saveCheckpoint, startRun } from '../../src/export/export-log.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/**
 * A run that died part-way leaves its last checkpoint in its `running` row; the next run adopts it as the stored
 * state. What the runner keeps beside the destination's own state (the target, the earlier targets' states) must
 * survive that: lost, a return to an earlier target would send its whole history again.
 */
describe('the checkpoint of a run that died', () => {
  let database: TestDatabase;
  let db: Kysely<Database>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = connect(new URL(database.url), { maxConnections: 1 });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.close();
  });

  it('is adopted with the target and the earlier targets, not the write counts', async () => {
    const destination = 'victoriametrics';
    const watermark = new Date('2026-11-30T12:00:00Z');
    const earlierTargets = { 'http://old:8428': { state: { sent: 'old' }, watermark: null } };
    const first = await startRun(db, destination);
    await completeLog(db, destination, first.logId, {
      status: 'success',
      records: 1,
      details: {},
      errorMessage: null,
      state: {
        state: { sent: 'first' },
        watermark,
        target: 'http://new:8428',
        earlierTargets,
        writeCounts: { tables: 'consumption_data 1 0 0', runLogs: 3 },
      },
    });

    const died = await startRun(db, destination);
    expect(died.stored).toMatchObject({ target: 'http://new:8428', earlierTargets });
    await saveCheckpoint(db, died.logId, { ...died.stored, state: { sent: 'part of the second' } });

    const next = await startRun(db, destination);
    expect(next.interrupted).toBe(1);
    expect(next.stored).toEqual({
      state: { sent: 'part of the second' },
      watermark,
      target: 'http://new:8428',
      earlierTargets,
    });
  });
});
