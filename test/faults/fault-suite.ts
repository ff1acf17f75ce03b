/**
 * The six faults every destination must survive, written once (the way Vector's sinks all pass
 * `run_and_assert_sink_compliance`): unreachable, closed at once, never answers, a 5xx, credentials revoked,
 * cut mid-stream. Each runs against the destination's real server or stand-in, with the MQTT destination in
 * the same runs (but for MQTT itself), and checks what export_logs, export_state and the server hold, then that the next healthy run
 * delivers everything. A destination joins with one `FaultAdapter`: how to start its server, how to break it,
 * what the stored outcome must be.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../src/domain/paris-time.js';
import { startFaultyProxy } from '../support/faulty-proxy.js';
import type { FaultyProxy } from '../support/faulty-proxy.js';
import { DEMO_PDL, generateMedData } from '../support/generate-med-data.js';
import type { GenerateOptions } from '../support/generate-med-data.js';
import { runCli } from '../support/run-cli.js';
import { createTestBroker } from '../support/test-broker.js';
import type { TestBroker } from '../support/test-broker.js';
import { createTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import {
  closedPort,
  expectFailedRun,
  lastLog,
  logRows,
  mqttEnv,
  storedState,
  writtenDayByDay,
} from './fault-harness.js';
import type { LogRow, StateRow } from './fault-harness.js';

/** The faults after the first (unreachable) one: before each, the database gets something new to deliver. */
export type LaterFault = 'refused' | 'neverAnswers' | 'serverError' | 'revoked' | 'cut';

/** What a case saw before its failed run. */
export interface Before {
  state: StateRow | null;
  rowsBefore: number;
  /** The adapter's `stored()`. */
  stored: unknown;
}

/** A server answering errors for one case; `close` puts it back. */
export interface ServerError {
  /** Environment of the failed run (e.g. the URL of a failing gate). */
  env?: Record<string, string>;
  message: RegExp[];
  /** The refused request was not sent again, and nothing after it. */
  expectNotRetried(): void;
  close?(): Promise<void>;
}

export interface RevokedCredentials {
  /** Environment of the failed run: the credentials that no longer work. */
  env: Record<string, string>;
  /** What must never be printed. */
  secret: string;
  message: RegExp[];
}

/** A destination's server or stand-in, running, and what the suite needs to know of it. */
export interface DestinationUnderFaults {
  /** Where the destination's `<PREFIX>_URL` points when nothing is broken. */
  url: string;
  /** The destination's own environment (credentials, sizes, data kinds): not ENABLED, URL nor TIMEOUT. */
  env(): Record<string, string>;
  /** Changes the database so that the failed run of this case has something the next run must deliver. */
  deliverLater(fault: LaterFault): Promise<void>;
  /** What the server holds, compared before and after a failed run (that must leave it as it was). */
  stored(): Promise<unknown>;
  /** After the healthy run: the server holds what the database implies, `copies` samples twice at most. */
  expectAllDelivered(copies: number): Promise<void>;
  /** The error message, given the port of the closed port or of the faulty proxy. */
  messages: Record<'unreachable' | 'refused' | 'neverAnswers', (port: number) => RegExp[]>;
  serverError(): Promise<ServerError>;
  /** `url`: where the runs reach the server (the message may name it). */
  revokeCredentials(url: string): RevokedCredentials;
  cut: {
    /** Bytes the client may send before the proxy cuts: past the reads, into the deliveries. */
    afterBytes: number;
    message(port: number): RegExp[];
    /** What the cut run left; returns how many samples the server may keep twice (0 for most). */
    expectPartial(row: LogRow, before: Before): Promise<number>;
  };
  afterEach?(): void;
  close(): Promise<void>;
}

export interface FaultAdapter {
  /** The destination id (export_logs.destination). */
  id: string;
  title: string;
  /** Its options' prefix: `HOME_ASSISTANT` for HOME_ASSISTANT_URL, _ENABLED and _TIMEOUT. */
  envPrefix: string;
  /** The option holding the server's address, when not `<envPrefix>_URL`. */
  urlOption?: string;
  /** The MQTT destination does not run beside the destination under test (it is the one under test). */
  mqttBeside?: false;
  /**
   * The status of a run cut among its deliveries: `partial` when the destination records what the server
   * confirmed before the cut, `error` when it confirms a run only whole (MQTT).
   */
  cutStatus?: 'error';
  /**
   * Keys a failed run adds to the state though nothing was confirmed: the batch whose fate is unknown after a
   * connection reset, which the next run reads back (src/engines/timeseries-backfill/pass.ts).
   */
  unconfirmedStateKeys?: readonly string[];
  /** False when its real server is not installed here: the suite is reported skipped (default true). */
  available?: boolean;
  /** MyElectricalData rows of the last 30 days, generated for DEMO_PDL with these options. */
  data: Omit<GenerateOptions, 'pdls' | 'from' | 'to'>;
  start(context: { database: TestDatabase; today: string }): Promise<DestinationUnderFaults>;
}

/** Every destination's timeout in these runs: the "never answers" case waits for it. */
const TIMEOUT_S = 2;

export function describeFaults(adapter: FaultAdapter): void {
  describe.skipIf(adapter.available === false)(`${adapter.title} under network and server faults`, () => {
    const { id } = adapter;
    const urlKey = adapter.urlOption ?? `${adapter.envPrefix}_URL`;
    const besideMqtt = adapter.mqttBeside ?? true;
    const today = parisParts(new Date()).date;
    let database: TestDatabase;
    /** The MQTT destination's broker, when it runs beside the destination under test. */
    let broker: TestBroker | undefined;
    let server: DestinationUnderFaults;
    /**
     * Every run reaches the server through this proxy, passing through unless a case breaks it: the
     * destination's target (its URL) stays the same, so what it confirmed before a fault is what it resumes from.
     */
    let gateway: FaultyProxy;

    const exportAll = (extra: Record<string, string> = {}) =>
      runCli(['export', '--all', '--force'], {
        DATABASE_URL: database.url,
        [`${adapter.envPrefix}_ENABLED`]: 'true',
        [urlKey]: proxiedUrl(gateway),
        [`${adapter.envPrefix}_TIMEOUT`]: String(TIMEOUT_S),
        ...server.env(),
        ...(broker ? mqttEnv(broker) : {}),
        ...extra,
      });

    /** The gateway, broken for this case; runs share a process, so kept-alive connections are dropped first. */
    function faultyProxy(mode: FaultyProxy['mode']): FaultyProxy {
      gateway.dropConnections();
      gateway.mode = mode;
      return gateway;
    }
    /** The server's URL (its scheme) at another host and port. */
    const urlAt = (host: string, port: number) => `${new URL(server.url).protocol}//${host}:${port}`;
    const proxiedUrl = (faulty: FaultyProxy) => urlAt(faulty.host, faulty.port);

    async function snapshot(): Promise<Before> {
      return {
        state: await storedState(database, id),
        rowsBefore: (await logRows(database, id)).length,
        stored: await server.stored(),
      };
    }

    /** An `error` run left the state (but for what it may not know the fate of) and what the server holds as they were. */
    async function expectUntouched(before: Before): Promise<void> {
      const unconfirmed = adapter.unconfirmedStateKeys ?? [];
      const confirmedPart = (row: StateRow | null) =>
        row && {
          ...row,
          state: Object.fromEntries(Object.entries(row.state).filter(([key]) => !unconfirmed.includes(key))),
        };
      expect(confirmedPart(await storedState(database, id))).toEqual(confirmedPart(before.state));
      expect(await server.stored()).toEqual(before.stored);
    }

    /** The next healthy run (straight to the server) delivers everything. */
    async function expectRecovery(copies = 0): Promise<void> {
      const result = await exportAll();
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect((await lastLog(database, id))?.status).toBe('success');
      if (broker) expect((await lastLog(database, 'mqtt'))?.status).toBe('success');
      await server.expectAllDelivered(copies);
    }

    /** A case through the faulty proxy in `mode`: the run fails with `error`, nothing moves, then recovery. */
    async function throughProxy(fault: 'refused' | 'neverAnswers', mode: FaultyProxy['mode']) {
      await server.deliverLater(fault);
      const faulty = faultyProxy(mode);
      const connectionsBefore = faulty.connections;
      const before = await snapshot();
      const started = Date.now();
      const result = await exportAll();
      faulty.mode = 'pass';
      if (fault === 'neverAnswers')
        expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
      await expectFailedRun(database, broker, id, result, {
        rowsBefore: before.rowsBefore,
        status: 'error',
        message: server.messages[fault](faulty.port),
      });
      expect(faulty.connections).toBeGreaterThan(connectionsBefore);
      await expectUntouched(before);
      await expectRecovery();
    }

    beforeAll(async () => {
      database = await createTestDatabase();
      await generateMedData(database, {
        pdls: [DEMO_PDL],
        from: addDays(today, -30),
        to: addDays(today, -1),
        ...adapter.data,
      });
      await writtenDayByDay(database);
      server = await adapter.start({ database, today });
      const target = new URL(server.url);
      gateway = await startFaultyProxy({ host: target.hostname, port: Number(target.port) });
      if (besideMqtt) broker = await createTestBroker();
      // med-export's own tables, so the first case can read them before its run.
      expect((await runCli(['migrate'], { DATABASE_URL: database.url })).exitCode).toBe(0);
    }, 120_000);

    afterEach(() => {
      server?.afterEach?.();
      gateway.dropConnections();
      gateway.mode = 'pass';
      gateway.cutAfterBytes = 0;
    });

    afterAll(async () => {
      await gateway?.close();
      await server?.close();
      await broker?.close();
      await database?.close();
    });

    it('unreachable (closed port): error naming the address and option, nothing stored, then the whole history', async () => {
      const port = await closedPort();
      const before = await snapshot();
      expect(before.state).toBeNull();
      const result = await exportAll({ [urlKey]: urlAt('127.0.0.1', port) });
      await expectFailedRun(database, broker, id, result, {
        rowsBefore: before.rowsBefore,
        status: 'error',
        message: server.messages.unreachable(port),
      });
      await expectUntouched(before);
      await expectRecovery();
    });

    it('connection closed by the proxy at once: error with the address and the option to check, state kept', () =>
      throughProxy('refused', 'refuse'));

    it(`a server that never answers: given up after ${adapter.envPrefix}_TIMEOUT, state kept`, () =>
      throughProxy('neverAnswers', 'blackhole'));

    it('a server error: not retried in the run, error with the status and where to look, then delivered', async () => {
      await server.deliverLater('serverError');
      const before = await snapshot();
      const broken = await server.serverError();
      try {
        const result = await exportAll(broken.env);
        await expectFailedRun(database, broker, id, result, {
          rowsBefore: before.rowsBefore,
          status: 'error',
          message: broken.message,
        });
        // The run stops at the refused request: no resend, nothing after it.
        broken.expectNotRetried();
        await expectUntouched(before);
      } finally {
        await broken.close?.();
      }
      await expectRecovery();
    });

    it('the credentials revoked after a good run: error naming the option to fix, state kept, then delivered', async () => {
      await server.deliverLater('revoked');
      const before = await snapshot();
      const revoked = server.revokeCredentials(proxiedUrl(gateway));
      const result = await exportAll(revoked.env);
      await expectFailedRun(database, broker, id, result, {
        rowsBefore: before.rowsBefore,
        status: 'error',
        message: revoked.message,
      });
      expect(result.stdout + result.stderr).not.toContain(revoked.secret);
      await expectUntouched(before);
      // The user puts the new credentials in the configuration (env() reads the server's current ones).
      await expectRecovery();
    });

    const cutStatus = adapter.cutStatus ?? 'partial';
    const cutTitle =
      cutStatus === 'partial' ? 'partial, only what was confirmed recorded' : 'error, nothing recorded';
    it(`the connection cut in the middle of the deliveries: ${cutTitle}, then resumed`, async () => {
      await server.deliverLater('cut');
      const faulty = faultyProxy('cut');
      faulty.cutAfterBytes = server.cut.afterBytes;
      const before = await snapshot();
      const result = await exportAll();
      faulty.mode = 'pass';
      const row = await expectFailedRun(database, broker, id, result, {
        rowsBefore: before.rowsBefore,
        status: cutStatus,
        message: server.cut.message(faulty.port),
      });
      expect((await storedState(database, id))!.watermark).toEqual(before.state!.watermark);
      await expectRecovery(await server.cut.expectPartial(row, before));
    });
  });
}
