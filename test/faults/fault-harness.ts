/**
 * What the destination fault tests share: a port nothing listens on, an HTTP gate answering 5xx in front of a
 * real server, the MQTT destination run beside the one under test, and readers of export_logs / export_state.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { addDays } from '../../src/domain/paris-time.js';
import { forwardRequest } from '../support/forward-request.js';
import { freePort } from '../support/free-port.js';
import type { CliResult } from '../support/run-cli.js';
import type { TestBroker } from '../support/test-broker.js';
import type { TestDatabase } from '../support/test-database.js';

export interface LogRow {
  status: string;
  error_message: string | null;
  records_exported: number;
  details: Record<string, unknown>;
}

export interface StateRow {
  state: Record<string, unknown>;
  watermark: Date | null;
}

/** A port that was just free and is closed again: connecting to it is refused. */
export const closedPort = freePort;

export async function logRows(database: TestDatabase, destination: string): Promise<LogRow[]> {
  return database.query<LogRow>(
    `select status, error_message, records_exported, details from export_logs
     where destination = $1 order by started_at, id`,
    [destination],
  );
}

export async function lastLog(database: TestDatabase, destination: string): Promise<LogRow | undefined> {
  return (await logRows(database, destination)).at(-1);
}

export async function storedState(database: TestDatabase, destination: string): Promise<StateRow | null> {
  const [row] = await database.query<StateRow>(
    'select state, watermark from export_state where destination = $1',
    [destination],
  );
  return row ?? null;
}

/** The MQTT destination, enabled in the same runs as the destination under test, straight to the broker. */
export function mqttEnv(broker: TestBroker): Record<string, string> {
  return {
    MQTT_ENABLED: 'true',
    MQTT_BROKER: broker.url,
    MQTT_TOPIC_PREFIX: broker.topicPrefix,
    MQTT_TIMEOUT: '10',
  };
}

/**
 * The common outcome of a run with one destination broken: exit 1, the destination's new row `error` or
 * `partial` with a message matching every pattern, and the MQTT destination of the same run (when `broker` is
 * its broker) a success with its messages on the broker.
 */
export async function expectFailedRun(
  database: TestDatabase,
  broker: TestBroker | undefined,
  destination: string,
  result: CliResult,
  expected: { rowsBefore: number; status: 'error' | 'partial'; message: RegExp[] },
): Promise<LogRow> {
  const output = `${result.stdout}${result.stderr}`;
  expect(result.exitCode, output).toBe(1);
  const rows = await logRows(database, destination);
  expect(rows.length, output).toBe(expected.rowsBefore + 1);
  const row = rows.at(-1)!;
  expect(row.status, row.error_message ?? '').toBe(expected.status);
  for (const pattern of expected.message) expect(row.error_message).toMatch(pattern);
  if (expected.status === 'error') expect(Number(row.records_exported)).toBe(0);
  else expect(Number(row.records_exported)).toBeGreaterThan(0);
  // What the user sees on the terminal says the same.
  expect(output).toContain(row.error_message!.slice(0, 40));

  if (!broker) return row;
  const mqtt = await lastLog(database, 'mqtt');
  expect(mqtt?.status, mqtt?.error_message ?? '').toBe('success');
  expect((await broker.retained()).get(`${broker.topicPrefix}/status`)).toBe('online');
  return row;
}

/** Rows as a daily sync leaves them (each day's the day after it), so that runs after the first are incremental. */
export async function writtenDayByDay(database: TestDatabase): Promise<void> {
  for (const table of ['consumption_data', 'production_data']) {
    await database.query(
      `update ${table} set updated_at = now() - interval '1 day' * (current_date - date) - interval '1 hour'`,
    );
  }
}

/**
 * Takes these days' rows out of consumption_data and production_data, as if Enedis had not published them yet;
 * the function returned puts some of them back with `updated_at = now()`, as a sync receiving them late would.
 */
export async function holdBackDays(
  database: TestDatabase,
  dates: readonly string[],
): Promise<(late: readonly string[]) => Promise<void>> {
  const held = new Map<string, Record<string, unknown>[]>();
  for (const table of ['consumption_data', 'production_data']) {
    for (const date of dates) {
      held.set(`${table}/${date}`, await database.query(`select * from ${table} where date = $1`, [date]));
      await database.query(`delete from ${table} where date = $1`, [date]);
    }
  }
  return async (late) => {
    for (const table of ['consumption_data', 'production_data']) {
      const rows = late.flatMap((date) => held.get(`${table}/${date}`) ?? []);
      await database.query(
        `insert into ${table} (id, usage_point_id, date, granularity, interval_start, value, source, raw_data, updated_at)
         select r.id, r.usage_point_id, r.date, r.granularity::datagranularity, r.interval_start, r.value, r.source,
           r.raw_data, now()
         from json_to_recordset($1::json) as r(id varchar, usage_point_id varchar, date date, granularity text,
           interval_start varchar, value integer, source varchar, raw_data jsonb)`,
        [JSON.stringify(rows)],
      );
    }
  };
}

/**
 * `holdBackDays` for days given per case, in days before `today`: the function returned publishes one case's
 * days late.
 */
export async function holdBackDaysOf<Case extends string>(
  database: TestDatabase,
  today: string,
  daysBefore: Record<Case, number[]>,
): Promise<(fault: Case) => Promise<void>> {
  const dates = (days: number[]) => days.map((before) => addDays(today, before));
  const publishLate = await holdBackDays(database, dates(Object.values<number[]>(daysBefore).flat()));
  return (fault) => publishLate(dates(daysBefore[fault]));
}

export interface HttpGate {
  url: string;
  /** Requests whose path matched so far. */
  matched: number;
  /** Numbers (1-based, among the matching requests) answered with the failure instead of being forwarded. */
  failing: (index: number) => boolean;
  close(): Promise<void>;
}

/**
 * An HTTP reverse proxy in front of a real server that answers `status` (as nginx does when its upstream is
 * down) to the matching requests `failing` selects, and forwards everything else.
 */
export async function startHttpGate(
  target: string,
  options: { path: RegExp; status: number; body: string },
): Promise<HttpGate> {
  const gate: Omit<HttpGate, 'url' | 'close'> = { matched: 0, failing: () => false };
  const server = createHttpServer((incoming, outgoing) => {
    if (options.path.test(incoming.url ?? '/')) {
      gate.matched += 1;
      if (gate.failing(gate.matched)) {
        incoming.resume();
        outgoing.writeHead(options.status, { 'content-type': 'text/html' }).end(options.body);
        return;
      }
    }
    forwardRequest(target, incoming, outgoing);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(gate, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
