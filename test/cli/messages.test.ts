import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parisParts } from '../../src/domain/paris-time.js';
import { demoOptions, generateMedData } from '../support/generate-med-data.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await generateMedData(database, demoOptions(parisParts(new Date()).date));
});

afterAll(async () => {
  await database?.close();
});

describe('messages', () => {
  it('migrate says what it applied, then that there was nothing to apply', async () => {
    const env = { DATABASE_URL: database.url };
    const first = await runCli(['migrate'], env);
    expect(first.stdout).toBe('applied 0001_export_tables: the database is up to date\n');
    const second = await runCli(['migrate'], env);
    expect(second.stdout).toBe('nothing to apply: the database is up to date\n');
  });

  it('shows the dry run notes in text output, and warns about a MED_PDL that does not exist', async () => {
    const result = await runCli(['export', '--all', '--dry-run'], {
      DATABASE_URL: database.url,
      HOME_ASSISTANT_ENABLED: 'true',
      HOME_ASSISTANT_URL: 'http://127.0.0.1:1',
      HOME_ASSISTANT_TOKEN: 'token',
      HOME_ASSISTANT_ENTITIES: 'rest',
      MED_PDL: '12345678901234,11111111111111',
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^ {4}note: Home Assistant not reachable/m);
    expect(result.stderr).toContain(
      'warning: MED_PDL: 11111111111111 is not in the pdls table, so nothing is exported for it; the active PDLs are 12345678901234',
    );
  });

  it('gives times in local time with the zone in export and logs', async () => {
    const env = {
      DATABASE_URL: database.url,
      TZ: 'America/New_York',
      HOME_ASSISTANT_ENABLED: 'true',
      HOME_ASSISTANT_URL: 'http://127.0.0.1:1',
      HOME_ASSISTANT_TOKEN: 'token',
    };
    expect((await runCli(['export', '--all'], env)).exitCode).toBe(1);
    const logs = await runCli(['logs', '--destination', 'home-assistant'], env);
    expect(logs.stdout).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (EST|EDT|GMT-[45]) +home_assistant +error/m,
    );
  });
});
