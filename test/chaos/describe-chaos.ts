import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/test-database.js';
import {
  CHAOS_TIMEOUT_MS,
  chaosDatabase,
  chaosDatabaseAvailable,
  chaosSettings,
  runChaos,
} from './chaos-harness.js';
import type { ChaosAdapter } from './chaos-harness.js';

/**
 * One chaos run as a test file of its own (so the runs spread over vitest's workers): `destinations` exported
 * to at once, killed `rounds` times (MED_CHAOS_ROUNDS overrides), on the real services only.
 */
export function describeChaos(
  title: string,
  destinations: readonly ChaosAdapter[],
  rounds: number,
  available = true,
): void {
  const runs = chaosDatabaseAvailable && available;
  let database: TestDatabase;

  beforeAll(async () => {
    if (runs) database = await chaosDatabase();
  }, 120_000);

  afterAll(async () => {
    await database?.close();
  });

  describe.runIf(runs)(`${title}: a backfill killed at random instants`, () => {
    it(
      'holds exactly what one clean run gives, every killed run closed as interrupted',
      async () => {
        const figures = await runChaos(database, destinations, chaosSettings(rounds));
        expect(figures.kills).toBe(figures.rounds);
      },
      CHAOS_TIMEOUT_MS,
    );
  });
}
