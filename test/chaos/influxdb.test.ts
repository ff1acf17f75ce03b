import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxdbAvailable } from '../destinations/influxdb/influxdb-server.js';
import type { TestDatabase } from '../support/test-database.js';
import { influxdbChaos } from './chaos-destinations.js';
import {
  CHAOS_TIMEOUT_MS,
  SINGLE_DESTINATION_ROUNDS,
  chaosDatabase,
  chaosDatabaseAvailable,
  chaosSettings,
  runChaos,
} from './chaos-harness.js';

let database: TestDatabase;

beforeAll(async () => {
  if (chaosDatabaseAvailable && influxdbAvailable) database = await chaosDatabase();
}, 120_000);

afterAll(async () => {
  await database?.close();
});

describe.runIf(chaosDatabaseAvailable && influxdbAvailable)(
  'InfluxDB 1.x: a backfill killed at random instants',
  () => {
    it(
      'holds exactly what one clean run gives, every killed run closed as interrupted',
      async () => {
        const figures = await runChaos(database, [influxdbChaos], chaosSettings(SINGLE_DESTINATION_ROUNDS));
        expect(figures.kills).toBe(figures.rounds);
      },
      CHAOS_TIMEOUT_MS,
    );
  },
);
