import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startJeedomStandin } from '../../jeedom-standin/jeedom-standin.js';
import type { JeedomStandin } from '../../jeedom-standin/jeedom-standin.js';

/**
 * The stand-in itself, spoken to with plain fetch: these pin down the jeedom/core rules it claims to follow, so a
 * destination test passing against it means something.
 */

let standin: JeedomStandin;

interface RpcAnswer {
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

async function rpc(
  method: string,
  params: Record<string, unknown> = {},
  apikey: string | null = standin.apiKey,
): Promise<RpcAnswer> {
  const response = await fetch(`${standin.url}/core/api/jeeApi.php`, {
    method: 'POST',
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method,
      params: apikey === null ? params : { apikey, ...params },
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as RpcAnswer;
}

async function result<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  const answer = await rpc(method, params);
  expect(answer.error).toBeUndefined();
  return answer.result as T;
}

async function infoCommand(
  options: { subType?: string; historized?: boolean; configuration?: Record<string, unknown> } = {},
) {
  const eq = await result<{ id: string }>('eqLogic::save', {
    eqType_name: 'virtual',
    name: `eq ${Math.random()}`,
    isEnable: 1,
  });
  const cmd = await result<{ id: string }>('cmd::save', {
    eqType_name: 'virtual',
    eqLogic_id: eq.id,
    name: 'c',
    type: 'info',
    subType: options.subType ?? 'numeric',
    isHistorized: options.historized === false ? 0 : 1,
    configuration: options.configuration ?? {},
  });
  return { eqId: Number(eq.id), cmdId: Number(cmd.id) };
}

beforeEach(async () => {
  standin = await startJeedomStandin();
});

afterEach(async () => {
  await standin.close();
});

describe('jeeApi.php envelope and key', () => {
  it('answers ping without any key', async () => {
    expect(await rpc('ping', {}, null)).toEqual({ jsonrpc: '2.0', id: 7, result: 'pong' });
  });

  it('refuses a wrong key with code 2 (-32000 - -32002), keeping the request id (4.5)', async () => {
    const answer = await rpc('version', {}, 'wrong-key-but-long-enough');
    expect(answer.id).toBe(7);
    expect(answer.error?.code).toBe(2);
    expect(answer.result).toBeUndefined();
    expect((await rpc('version', {}, null)).error?.code).toBe(1);
  });

  it('accepts the Virtual plugin key only with plugin "virtual", the core key with it too', async () => {
    expect((await rpc('version', {}, standin.virtualApiKey)).error?.code).toBe(2);
    expect((await rpc('version', { plugin: 'virtual' }, standin.virtualApiKey)).result).toBe('4.5.3');
    expect((await rpc('version', { plugin: 'virtual' })).result).toBe('4.5.3');
  });

  it("answers an unknown method with code 500, and code 1 when the key's API access is disabled", async () => {
    expect((await rpc('cmd::nope')).error?.code).toBe(500);
    standin.setApiAccess('core', false);
    expect((await rpc('ping', {}, null)).error?.code).toBe(1);
    expect((await rpc('version', { plugin: 'virtual' }, standin.virtualApiKey)).result).toBe('4.5.3');
  });

  it('answers an empty result "ok" (4.5), numbers in lists and the new id as a string from save', async () => {
    expect(await result('eqLogic::byType', { type: 'virtual' })).toBe('ok');
    const { eqId, cmdId } = await infoCommand();
    expect(await result('cmd::getHistory', { id: cmdId })).toBe('ok');
    const [row] = await result<{ id: unknown; isEnable: unknown }[]>('eqLogic::byType', { type: 'virtual' });
    expect(row).toMatchObject({ id: eqId, isEnable: 1 });
    const saved = await result<{ id: unknown }>('eqLogic::save', { eqType_name: 'virtual', name: 'other' });
    expect(typeof saved.id).toBe('string');
    standin.setPlugin('virtual', { installed: true, active: false });
    expect(await result('plugin::listPlugin', { activateOnly: 1 })).toBe('ok');
  });

  it('cannot create virtual equipment while the plugin is disabled (class not loaded)', async () => {
    standin.setPlugin('virtual', { installed: true, active: false });
    const answer = await rpc('eqLogic::save', { eqType_name: 'virtual', name: 'x' });
    expect(answer.error).toMatchObject({ code: -32000, message: expect.stringContaining('Type incorrect') });
    expect(await result('plugin::listPlugin', { activateOnly: 1 })).toBe('ok');
  });
});

describe('cmd::event and history (cmd.class.php event, history.class.php save)', () => {
  it('makes an older datetime the current value and historises it too', async () => {
    const { cmdId } = await infoCommand();
    await result('cmd::event', { id: cmdId, value: 5, datetime: '2026-03-10 00:00:00' });
    await result('cmd::event', { id: cmdId, value: 4, datetime: '2026-03-01 00:00:00' });
    expect(standin.current(cmdId)).toMatchObject({ value: 4, valueDate: '2026-03-01 00:00:00' });
    expect(standin.history(cmdId)).toEqual([
      { datetime: '2026-03-01 00:00:00', value: '4' },
      { datetime: '2026-03-10 00:00:00', value: '5' },
    ]);
  });

  it('replaces the point of a datetime already stored', async () => {
    const { cmdId } = await infoCommand({ configuration: { historizeRound: 3 } });
    await result('cmd::event', { id: cmdId, value: 1.23456, datetime: '2026-03-01 00:00:00' });
    await result('cmd::event', { id: cmdId, value: '2,5', datetime: '2026-03-01 00:00:00' });
    expect(standin.history(cmdId)).toEqual([{ datetime: '2026-03-01 00:00:00', value: '2.5' }]);
  });

  it('averages instead of replacing when smoothing is on, unless historizeMode is none', async () => {
    standin.setCoreConfig('history::smooth', 300);
    const smoothed = await infoCommand({ configuration: { historizeMode: 'avg' } });
    const plain = await infoCommand({ configuration: { historizeMode: 'none' } });
    for (const { cmdId } of [smoothed, plain]) {
      await result('cmd::event', { id: cmdId, value: 10, datetime: '2026-03-01 00:00:00' });
      await result('cmd::event', { id: cmdId, value: 20, datetime: '2026-03-01 00:00:00' });
    }
    expect(standin.history(smoothed.cmdId)[0]?.value).toBe('15');
    expect(standin.history(plain.cmdId)[0]?.value).toBe('20');
  });

  it('historises a repeated value but keeps the date the value last changed as valueDate', async () => {
    for (const mode of ['auto', 'always', 'never']) {
      const { cmdId } = await infoCommand({ configuration: { repeatEventManagement: mode } });
      await result('cmd::event', { id: cmdId, value: 3, datetime: '2026-03-01 00:00:00' });
      await result('cmd::event', { id: cmdId, value: 3, datetime: '2026-03-02 00:00:00' });
      expect(standin.history(cmdId)).toHaveLength(2);
      expect(standin.current(cmdId)).toEqual({
        value: 3,
        valueDate: '2026-03-01 00:00:00',
        collectDate: '2026-03-02 00:00:00',
      });
    }
  });

  it('archives old points once per datetime, a re-sent day meanwhile being returned twice', async () => {
    const { cmdId } = await infoCommand({ configuration: { historizeMode: 'none' } });
    await result('cmd::event', { id: cmdId, value: 1, datetime: '2026-03-01 00:00:00' });
    standin.runHistoryArchive();
    await result('cmd::event', { id: cmdId, value: 2, datetime: '2026-03-01 00:00:00' });
    expect(
      (await result<{ value: string }[]>('cmd::getHistory', { id: cmdId })).map((p) => p.value).sort(),
    ).toEqual(['1', '2']);
    standin.runHistoryArchive();
    expect(standin.history(cmdId)).toEqual([{ datetime: '2026-03-01 00:00:00', value: '2' }]);
  });

  it('says ok but drops values of a disabled equipment and keeps no history of a non-historised command', async () => {
    const disabled = await infoCommand();
    standin.setEquipmentEnabled(disabled.eqId, false);
    expect((await rpc('cmd::event', { id: disabled.cmdId, value: 1 })).result).toBe('ok');
    expect(standin.current(disabled.cmdId)).toBeUndefined();
    const notHistorised = await infoCommand({ historized: false });
    await result('cmd::event', { id: notHistorised.cmdId, value: 1, datetime: '2026-03-01 00:00:00' });
    expect(standin.current(notHistorised.cmdId)?.value).toBe(1);
    expect(standin.history(notHistorised.cmdId)).toEqual([]);
  });

  it('answers 702 for a deleted command, whose history is gone', async () => {
    const { cmdId } = await infoCommand();
    await result('cmd::event', { id: cmdId, value: 1, datetime: '2026-03-01 00:00:00' });
    standin.removeCommand(cmdId);
    expect((await rpc('cmd::event', { id: cmdId, value: 1 })).error?.code).toBe(702);
    expect(standin.history(cmdId)).toEqual([]);
  });
});

describe('equipment and command storage', () => {
  it('gives a virtual equipment its refresh command and refuses a second command of the same name', async () => {
    const { eqId } = await infoCommand();
    const cmds = await result<{ logicalId: string; name: string }[]>('cmd::byEqLogicId', {
      eqLogic_id: eqId,
    });
    expect(cmds.map((cmd) => cmd.logicalId)).toContain('refresh');
    const duplicate = await rpc('cmd::save', {
      eqType_name: 'virtual',
      eqLogic_id: eqId,
      name: 'c',
      type: 'info',
      subType: 'string',
    });
    expect(duplicate.error?.code).toBe(-55000);
    expect(duplicate.error?.message).toContain('Duplicate entry');
  });

  it('stores names as setName cleans them (cleanComponanteName, 127 bytes)', async () => {
    const { eqId } = await infoCommand();
    const saved = await result<{ name: string }>('cmd::save', {
      eqType_name: 'virtual',
      eqLogic_id: eqId,
      name: `Couleur  aujourd'hui [*] & <b>demain</b> ${'x'.repeat(200)}`,
      type: 'info',
      subType: 'string',
    });
    expect(saved.name).toBe(`Couleur aujourdhui demain ${'x'.repeat(101)}`);
  });
});

describe('Jeedom 4.4 (release: "4.4")', () => {
  it('answers empty results as [], ids as strings, and errors with a null id', async () => {
    await standin.close();
    standin = await startJeedomStandin({ release: '4.4' });
    expect(await result('eqLogic::byType', { type: 'virtual' })).toEqual([]);
    expect(await result('version')).toBe('4.4.12');
    const { eqId } = await infoCommand();
    const [row] = await result<{ id: unknown }[]>('eqLogic::byType', { type: 'virtual' });
    expect(row!.id).toBe(String(eqId));
    const refused = await rpc('version', {}, 'wrong-key-but-long-enough');
    expect(refused).toMatchObject({ id: null, error: { code: 2 } });
  });
});
