import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, parisParts } from '../../../src/domain/paris-time.js';
import { DEMO_PDL, generateMedData } from '../../support/generate-med-data.js';
import type { GeneratedPdl } from '../../support/generate-med-data.js';
import { runCli } from '../../support/run-cli.js';
import { createTestDatabase } from '../../support/test-database.js';
import type { TestDatabase } from '../../support/test-database.js';
import { startJeedomStandin } from '../../jeedom-standin/jeedom-standin.js';
import type { JeedomStandin } from '../../jeedom-standin/jeedom-standin.js';
import type { JeedomRelease } from '../../jeedom-standin/jee-api.js';
import type { Cmd, EqLogic } from '../../jeedom-standin/store.js';

/**
 * `med-export export --all` against the Jeedom stand-in, starting from a fresh box, as Jeedom 4.5.3 and as 4.4.
 * Every expected value is recomputed from the MyElectricalData tables with SQL; the stand-in is only read through
 * its inspection API.
 */

const RELEASES: JeedomRelease[] = ['4.5', '4.4'];

const PDL = DEMO_PDL.usagePointId;
const SECOND: GeneratedPdl = {
  usagePointId: '98765432109876',
  name: null,
  pricingOption: 'BASE',
  offpeakHours: null,
  hasProduction: false,
};
const today = parisParts(new Date()).date;
const FRENCH: Record<string, string> = { BLUE: 'BLEU', WHITE: 'BLANC', RED: 'ROUGE' };

describe.each(RELEASES)('against Jeedom %s', (release) => {
  let database: TestDatabase;
  let standin: JeedomStandin;
  let objectId: number;
  let env: Record<string, string>;

  type Direction = 'consumption' | 'production';

  async function dailyWh(direction: Direction, pdl = PDL): Promise<{ date: string; wh: number }[]> {
    const rows = await database.query<{ day: string; value: number }>(
      `select to_char(date, 'YYYY-MM-DD') as day, value from ${direction}_data
       where usage_point_id = $1 and granularity = 'daily' and value is not null and value >= 0 order by date`,
      [pdl],
    );
    return rows.map((row) => ({ date: row.day, wh: Number(row.value) }));
  }

  async function periodWh(
    direction: Direction,
    format: 'YYYY-MM' | 'YYYY',
  ): Promise<{ period: string; wh: number }[]> {
    const rows = await database.query<{ period: string; wh: string }>(
      `select to_char(date, '${format}') as period, sum(value) as wh from ${direction}_data
       where usage_point_id = $1 and granularity = 'daily' and value is not null and value >= 0
       group by 1 order by 1`,
      [PDL],
    );
    return rows.map((row) => ({ period: row.period, wh: Number(row.wh) }));
  }

  function equipment(logicalId: string): EqLogic {
    const found = standin.equipmentByLogicalId(logicalId);
    expect(found, `equipment ${logicalId}`).toBeDefined();
    return found!;
  }

  function command(equipmentLogicalId: string, logicalId: string): Cmd {
    const found = standin.commandByLogicalId(equipment(equipmentLogicalId).id, logicalId);
    expect(found, `command ${logicalId}`).toBeDefined();
    return found!;
  }

  const daily = (direction: Direction) => command(PDL_EQ, `${direction}_daily`);

  function kwhHistory(cmd: Cmd): { datetime: string; kwh: number }[] {
    return standin.history(cmd.id).map((point) => ({ datetime: point.datetime, kwh: Number(point.value) }));
  }

  const midnight = (date: string) => `${date} 00:00:00`;
  const PDL_EQ = `med_export_pdl_${PDL}`;

  async function exportLogs(): Promise<
    {
      status: string;
      error_message: string | null;
      records_exported: number;
      details: Record<string, unknown>;
    }[]
  > {
    return database.query(
      `select status, error_message, records_exported, details from export_logs where destination = 'jeedom' order by started_at`,
    );
  }

  async function storedState(): Promise<Record<string, unknown> | null> {
    const [row] = await database.query<{ state: Record<string, unknown> }>(
      `select state from export_state where destination = 'jeedom'`,
    );
    return row?.state ?? null;
  }

  async function exportNow(extraEnv: Record<string, string> = {}, args: string[] = []) {
    return runCli(['export', '--destination', 'jeedom', '--force', ...args], { ...env, ...extraEnv });
  }

  /**
   * Each day's rows as MyElectricalData's sync would leave them, written one after the other: yesterday's a day ago,
   * older days earlier. Only what changes after a run is then newer than its watermark.
   */
  async function spreadUpdatedAt(): Promise<void> {
    // Days counted from the Paris date the data was generated for, not PostgreSQL's `current_date` (UTC): from
    // 23:00 UTC the two differ, and the newest day would seem written a moment ago.
    for (const table of ['consumption_data', 'production_data']) {
      await database.query(`update ${table} set updated_at = now() - interval '1 day' * ($1::date - date)`, [
        today,
      ]);
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    await generateMedData(database, {
      pdls: [DEMO_PDL, SECOND],
      from: addDays(today, -430),
      to: addDays(today, -1),
      detailed: false,
      seed: 42,
      tempo: true,
      ecowatt: true,
    });
    await spreadUpdatedAt();
    standin = await startJeedomStandin({ release });
    objectId = standin.addObject('Maison').id;
    env = {
      DATABASE_URL: database.url,
      JEEDOM_ENABLED: 'true',
      JEEDOM_URL: standin.url,
      JEEDOM_API_KEY: standin.apiKey,
      JEEDOM_OBJECT_ID: String(objectId),
    };
  });

  afterAll(async () => {
    await standin?.close();
    await database?.close();
  });

  describe('med-export test --destination jeedom', () => {
    it('passes every check against a ready Jeedom', async () => {
      const result = await runCli(['test', '--destination', 'jeedom'], env);
      expect(result.stdout).toContain('answers ping');
      expect(result.stdout).toContain(standin.version);
      expect(result.stdout).toContain('"Maison"');
      expect(result.exitCode).toBe(0);
    });

    it('pinpoints a disabled Virtual plugin and a wrong parent object, with the fix', async () => {
      standin.setPlugin('virtual', { installed: true, active: false });
      try {
        const result = await runCli(['test', '--destination', 'jeedom'], { ...env, JEEDOM_OBJECT_ID: '999' });
        expect(result.exitCode).toBe(1);
        expect(result.stdout).toContain('installed but not enabled');
        expect(result.stdout).toContain('Activer');
        expect(result.stdout).toContain('Jeedom has no object 999');
      } finally {
        standin.setPlugin('virtual', { installed: true, active: true });
      }
    });

    it("passes with the Virtual plugin's own key", async () => {
      const result = await runCli(['test', '--destination', 'jeedom'], {
        ...env,
        JEEDOM_API_KEY: standin.virtualApiKey,
      });
      expect(result.stdout).toContain('the Virtual plugin API key');
      expect(result.exitCode).toBe(0);
    });

    it('pinpoints a wrong API key', async () => {
      const result = await runCli(['test', '--destination', 'jeedom'], {
        ...env,
        JEEDOM_API_KEY: 'definitely-not-the-key',
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain('API key accepted');
      expect(result.stdout).toContain('JEEDOM_API_KEY');
      expect(result.stdout).not.toContain('definitely-not-the-key');
    });
  });

  describe('med-export export to Jeedom', () => {
    it('dry-run shows what would be created and sent, and touches nothing', async () => {
      const before = standin.requests.length;
      const result = await exportNow({}, ['--dry-run', '--json']);
      expect(result.exitCode).toBe(0);
      const [outcome] = JSON.parse(result.stdout) as { payloads: { target: string }[] }[];
      expect(
        outcome!.payloads.some((payload) => payload.target.includes('eqLogic::save MyElectricalData Maison')),
      ).toBe(true);
      expect(standin.requests.length).toBe(before);
      expect(standin.equipments()).toEqual([]);
    });

    it('first run: creates the equipments under the object, with the database values and their history', async () => {
      const result = await exportNow();
      expect(result.exitCode).toBe(0);

      expect(standin.equipments().map((eq) => [eq.logicalId, eq.name, eq.object_id, eq.isEnable])).toEqual([
        [PDL_EQ, 'MyElectricalData Maison', objectId, 1],
        [`med_export_pdl_${SECOND.usagePointId}`, `MyElectricalData ${SECOND.usagePointId}`, objectId, 1],
        ['med_export_tempo', 'MyElectricalData Tempo', objectId, 1],
        ['med_export_ecowatt', 'MyElectricalData EcoWatt', objectId, 1],
      ]);

      for (const direction of ['consumption', 'production'] as const) {
        const days = await dailyWh(direction);
        const daily = command(PDL_EQ, `${direction}_daily`);
        expect(daily).toMatchObject({ type: 'info', subType: 'numeric', unite: 'kWh', isHistorized: 1 });
        expect(kwhHistory(daily)).toEqual(
          days.map((day) => ({ datetime: midnight(day.date), kwh: day.wh / 1000 })),
        );
        const latest = days.at(-1)!;
        expect(standin.current(daily.id)).toMatchObject({
          value: latest.wh / 1000,
          valueDate: midnight(latest.date),
        });

        const months = await periodWh(direction, 'YYYY-MM');
        expect(kwhHistory(command(PDL_EQ, `${direction}_month`))).toEqual(
          months.map((month) => ({ datetime: midnight(`${month.period}-01`), kwh: month.wh / 1000 })),
        );
        const years = await periodWh(direction, 'YYYY');
        const year = command(PDL_EQ, `${direction}_year`);
        expect(kwhHistory(year)).toEqual(
          years.map((y) => ({ datetime: midnight(`${y.period}-01-01`), kwh: y.wh / 1000 })),
        );
        expect(standin.current(year.id)?.value).toBe(years.at(-1)!.wh / 1000);

        const yesterday = days.find((day) => day.date === addDays(today, -1))!;
        const yesterdayCmd = command(PDL_EQ, `${direction}_yesterday`);
        expect(standin.current(yesterdayCmd.id)).toMatchObject({
          value: yesterday.wh / 1000,
          valueDate: midnight(yesterday.date),
        });
        expect(standin.history(yesterdayCmd.id)).toEqual([]);
      }
      const second = equipment(`med_export_pdl_${SECOND.usagePointId}`);
      expect(standin.commands(second.id).map((cmd) => cmd.logicalId)).not.toContain('production_daily');
      const secondDays = await dailyWh('consumption', SECOND.usagePointId);
      expect(kwhHistory(command(second.logicalId, 'consumption_daily')).length).toBe(secondDays.length);

      const tempoDays = await database.query<{ id: string; color: string }>(
        `select id, color from tempo_days where id <= $1 order by id`,
        [today],
      );
      const tempoToday = command('med_export_tempo', 'tempo_today');
      expect(standin.history(tempoToday.id)).toEqual(
        tempoDays.map((day) => ({
          datetime: midnight(day.id),
          value: FRENCH[day.color.trim().toUpperCase()],
        })),
      );
      expect(standin.current(tempoToday.id)?.value).toBe(
        FRENCH[tempoDays.at(-1)!.color.trim().toUpperCase()],
      );
      const [tomorrow] = await database.query<{ color: string }>(
        `select color from tempo_days where id = $1`,
        [addDays(today, 1)],
      );
      expect(standin.current(command('med_export_tempo', 'tempo_tomorrow').id)?.value).toBe(
        tomorrow ? FRENCH[tomorrow.color.trim().toUpperCase()] : 'INCONNU',
      );
      expect(typeof standin.current(command('med_export_tempo', 'tempo_remaining_red').id)?.value).toBe(
        'number',
      );

      const [ecowatt] = await database.query<{ values: unknown }>(
        `select "values" from ecowatt where periode::date = $1::date order by generation_datetime desc limit 1`,
        [today],
      );
      expect(ecowatt).toBeDefined();
      const alert = standin.current(command('med_export_ecowatt', 'ecowatt_alert').id)?.value;
      expect([0, 1]).toContain(alert);

      expect(command('med_export_tempo', 'tempo_today').name).toBe('Couleur du jour');
      expect(daily('consumption').configuration['repeatEventManagement']).toBe('always');
      expect(command(PDL_EQ, 'consumption_month').configuration['repeatEventManagement']).toBe('never');

      const [log] = await exportLogs();
      expect(log).toMatchObject({ status: 'success' });
      expect(log!.records_exported).toBeGreaterThan(400);
      expect(log!.details).toMatchObject({
        equipments: { created: expect.arrayContaining(['MyElectricalData Maison']) },
      });
    });

    it('second run with nothing changed: creates nothing and sends no energy value again', async () => {
      const equipmentsBefore = standin.equipments().map((eq) => eq.id);
      const commandsBefore = equipmentsBefore.flatMap((id) => standin.commands(id).map((cmd) => cmd.id));
      const historyBefore = kwhHistory(command(PDL_EQ, 'consumption_daily'));

      const result = await exportNow();
      expect(result.exitCode).toBe(0);
      expect(standin.equipments().map((eq) => eq.id)).toEqual(equipmentsBefore);
      expect(equipmentsBefore.flatMap((id) => standin.commands(id).map((cmd) => cmd.id))).toEqual(
        commandsBefore,
      );
      expect(kwhHistory(command(PDL_EQ, 'consumption_daily'))).toEqual(historyBefore);

      const log = (await exportLogs()).at(-1)!;
      expect(log.status).toBe('success');
      const values = log.details['values'] as Record<string, number>;
      for (const key of ['consumption_daily', 'consumption_month', 'consumption_year', 'production_daily']) {
        expect(values[key] ?? 0, key).toBe(0);
      }
      expect(values['tempo_today']).toBeUndefined();
      expect(values['consumption_yesterday']).toBeUndefined();
    });

    it('corrected old days land at their date, totals follow, and the newest day stays the current value', async () => {
      const correct = async (date: string) => {
        await database.query(
          `update consumption_data set value = value + 5000, updated_at = now()
           where usage_point_id = $1 and granularity = 'daily' and date = $2::date`,
          [PDL, date],
        );
        const result = await exportNow();
        expect(result.exitCode).toBe(0);
      };
      // The second run's changes (both corrections) no longer include the newest day: its row is older than the
      // watermark left by the first one.
      const corrected = [addDays(today, -40), addDays(today, -70)];
      for (const date of corrected) await correct(date);

      const days = await dailyWh('consumption');
      const daily = command(PDL_EQ, 'consumption_daily');
      for (const date of corrected) {
        const point = kwhHistory(daily).find((p) => p.datetime === midnight(date));
        expect(point?.kwh).toBe(days.find((day) => day.date === date)!.wh / 1000);
      }
      expect(standin.current(daily.id)).toMatchObject({
        value: days.at(-1)!.wh / 1000,
        valueDate: midnight(days.at(-1)!.date),
      });

      const months = await periodWh('consumption', 'YYYY-MM');
      const month = command(PDL_EQ, 'consumption_month');
      expect(kwhHistory(month)).toEqual(
        months.map((entry) => ({ datetime: midnight(`${entry.period}-01`), kwh: entry.wh / 1000 })),
      );
      expect(standin.current(month.id)?.value).toBe(months.at(-1)!.wh / 1000);
      const years = await periodWh('consumption', 'YYYY');
      expect(standin.current(command(PDL_EQ, 'consumption_year').id)?.value).toBe(years.at(-1)!.wh / 1000);
    });

    it("an archived day corrected later shows both values until Jeedom's next history archiving", async () => {
      standin.runHistoryArchive();
      const corrected = addDays(today, -100);
      await database.query(
        `update consumption_data set value = value + 7000, updated_at = now()
         where usage_point_id = $1 and granularity = 'daily' and date = $2::date`,
        [PDL, corrected],
      );
      expect((await exportNow()).exitCode).toBe(0);
      const [fixed] = (await dailyWh('consumption')).filter((day) => day.date === corrected);
      const points = () =>
        kwhHistory(command(PDL_EQ, 'consumption_daily')).filter((p) => p.datetime === midnight(corrected));
      expect(points().map((point) => point.kwh)).toEqual(
        expect.arrayContaining([fixed!.wh / 1000, (fixed!.wh - 7000) / 1000]),
      );
      standin.runHistoryArchive();
      expect(points()).toEqual([{ datetime: midnight(corrected), kwh: fixed!.wh / 1000 }]);
    });

    it('recreates a command deleted in Jeedom, with its whole history, and says so', async () => {
      const deleted = command(PDL_EQ, 'production_daily');
      standin.removeCommand(deleted.id);

      const result = await exportNow();
      expect(result.exitCode).toBe(0);
      const recreated = command(PDL_EQ, 'production_daily');
      expect(recreated.id).not.toBe(deleted.id);
      const days = await dailyWh('production');
      expect(kwhHistory(recreated)).toEqual(
        days.map((day) => ({ datetime: midnight(day.date), kwh: day.wh / 1000 })),
      );
      const log = (await exportLogs()).at(-1)!;
      expect(log.details).toMatchObject({
        commands: { recreated: ['MyElectricalData Maison / Production journalière'] },
      });
      expect(result.stderr).toContain('recreated');
    });

    it('recreates a deleted equipment, and finds its equipments by logicalId when the state is lost', async () => {
      standin.removeEquipment(equipment('med_export_tempo').id);
      expect((await exportNow()).exitCode).toBe(0);
      const tempo = command('med_export_tempo', 'tempo_today');
      expect(standin.history(tempo.id).length).toBeGreaterThan(400);

      const count = standin.equipments().length;
      const ids = standin.equipments().map((eq) => eq.id);
      await database.query(`delete from export_state where destination = 'jeedom'`);
      expect((await exportNow()).exitCode).toBe(0);
      expect(standin.equipments().length).toBe(count);
      expect(standin.equipments().map((eq) => eq.id)).toEqual(ids);
    });

    it('moves the equipments once when JEEDOM_OBJECT_ID changes', async () => {
      const garage = standin.addObject('Garage').id;
      expect((await exportNow({ JEEDOM_OBJECT_ID: String(garage) })).exitCode).toBe(0);
      expect(
        new Set(
          standin
            .equipments()
            .filter((eq) => eq.logicalId.startsWith('med_export'))
            .map((eq) => eq.object_id),
        ),
      ).toEqual(new Set([garage]));
      expect((await exportNow()).exitCode).toBe(0);
      expect(equipment(PDL_EQ).object_id).toBe(objectId);
    });

    it('a wrong key fails the run (exit 1), logs an error row and keeps the state', async () => {
      const before = await storedState();
      const logsBefore = (await exportLogs()).length;
      const result = await exportNow({ JEEDOM_API_KEY: 'this-is-not-the-key-of-the-box' });
      expect(result.exitCode).toBe(1);
      const logs = await exportLogs();
      expect(logs.length).toBe(logsBefore + 1);
      expect(logs.at(-1)).toMatchObject({ status: 'error', records_exported: 0 });
      expect(logs.at(-1)!.error_message).toContain('JEEDOM_API_KEY');
      expect(logs.at(-1)!.error_message).not.toContain('this-is-not-the-key-of-the-box');
      expect(result.stdout + result.stderr).toMatch(
        /refused the API key.*Settings → System → Configuration, API tab/,
      );
      expect(await storedState()).toEqual(before);
    });

    it('a failure part way is recorded as partial and the next run completes the history', async () => {
      const deleted = command(PDL_EQ, 'consumption_daily');
      standin.removeCommand(deleted.id);
      standin.failRequests({
        method: 'cmd::event',
        after: 50,
        times: 1,
        mode: { kind: 'http', status: 500 },
      });
      const failed = await exportNow();
      standin.clearFailures();
      expect(failed.exitCode).toBe(1);
      expect((await exportLogs()).at(-1)).toMatchObject({ status: 'partial' });
      expect((await exportLogs()).at(-1)!.error_message).toContain('HTTP 500');

      expect((await exportNow()).exitCode).toBe(0);
      const days = await dailyWh('consumption');
      expect(kwhHistory(command(PDL_EQ, 'consumption_daily'))).toEqual(
        days.map((day) => ({ datetime: midnight(day.date), kwh: day.wh / 1000 })),
      );
    });

    it('feeds an existing command given in JEEDOM_COMMANDS, with its history, and refuses an unknown one', async () => {
      const eq = standin.store.saveEqLogic({ eqType_name: 'virtual', name: 'Compteur Linky', isEnable: 1 });
      const mine = standin.store.saveCmd({
        eqType_name: 'virtual',
        eqLogic_id: eq.id,
        name: 'Conso jour',
        type: 'info',
        subType: 'numeric',
        isHistorized: 1,
      });
      const mapped = { JEEDOM_COMMANDS: JSON.stringify({ [`${PDL}:consumption_daily`]: mine.id }) };
      const result = await exportNow(mapped);
      expect(result.exitCode).toBe(0);
      const days = await dailyWh('consumption');
      expect(
        standin.history(mine.id).map((point) => ({ datetime: point.datetime, kwh: Number(point.value) })),
      ).toEqual(days.map((day) => ({ datetime: midnight(day.date), kwh: day.wh / 1000 })));
      expect(standin.commands(eq.id).map((cmd) => cmd.name)).toEqual(['Conso jour', 'Rafraichir']);

      const unknown = await exportNow({
        JEEDOM_COMMANDS: JSON.stringify({ [`${PDL}:consumption_daily`]: 99999 }),
      });
      expect(unknown.exitCode).toBe(1);
      expect((await exportLogs()).at(-1)!.error_message).toContain('Jeedom has no command 99999');
    });

    it('skips and reports an equipment disabled in Jeedom (which would drop its values)', async () => {
      const ecowatt = equipment('med_export_ecowatt');
      standin.setEquipmentEnabled(ecowatt.id, false);
      try {
        const result = await exportNow();
        expect(result.exitCode).toBe(0);
        expect(result.stderr).toContain('MyElectricalData EcoWatt');
        expect((await exportLogs()).at(-1)!.details).toMatchObject({
          equipments: { disabled: ['MyElectricalData EcoWatt'] },
        });
      } finally {
        standin.setEquipmentEnabled(ecowatt.id, true);
      }
    });
  });
});
