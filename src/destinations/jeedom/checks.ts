import type { Check, TestContext } from '../../contract/destination.js';
import type { JeedomClient } from './client.js';
import { createJeedomClient } from './client.js';
import { clientOptionsOf, commandIdOf } from './config.js';
import type { JeedomConfig } from './config.js';
import { VIRTUAL_PLUGIN } from './encode.js';
import { JEEDOM_CODE, JeedomError, isJeedomRpcError } from './rpc-errors.js';

function failed(name: string, error: unknown, hint = ''): Check {
  if (error instanceof JeedomError)
    return { name, ok: false, detail: error.message, hint: error.hint || hint };
  return { name, ok: false, detail: error instanceof Error ? error.message : String(error), hint };
}

/** jeedom::version() is `x.y.z`; cmd::event with a datetime and the jeeObject:: methods are Jeedom 4. */
function majorVersion(version: string): number | null {
  const match = /^(\d+)\./.exec(version.trim());
  return match ? Number(match[1]) : null;
}

/** `med-export test --destination jeedom`: each step Jeedom needs, with the fix when one fails. */
export async function jeedomChecks(ctx: TestContext<JeedomConfig>): Promise<Check[]> {
  const client = createJeedomClient({
    ...clientOptionsOf(ctx.config, ctx.log),
    timeoutMs: ctx.timeoutMs,
  });
  try {
    return await checksWith(client, ctx.config);
  } finally {
    client.close();
  }
}

async function checksWith(client: JeedomClient, config: JeedomConfig): Promise<Check[]> {
  const checks: Check[] = [];

  const pingName = `${client.endpoint} answers ping`;
  try {
    const pong = await client.call<unknown>('ping');
    if (pong !== 'pong') {
      checks.push({
        name: pingName,
        ok: false,
        detail: `answered ${JSON.stringify(pong)} instead of "pong"`,
        hint: 'JEEDOM_URL must be the address of Jeedom itself (e.g. http://jeedom.local)',
      });
      return checks;
    }
    checks.push({ name: pingName, ok: true, detail: 'pong' });
  } catch (error) {
    checks.push(failed(pingName, error));
    return checks;
  }

  let version: string;
  try {
    version = String(await client.call<unknown>('version'));
    checks.push({
      name: 'API key accepted',
      ok: true,
      detail: client.keyScope === 'virtual' ? 'the Virtual plugin API key' : 'the core API key',
    });
  } catch (error) {
    checks.push(failed('API key accepted', error));
    return checks;
  }
  const major = majorVersion(version);
  checks.push({
    name: 'Jeedom version',
    ok: major !== null && major >= 4,
    detail: version,
    ...(major !== null && major >= 4
      ? {}
      : { hint: 'med-export needs Jeedom 4 (cmd::event with a date, jeeObject API): update Jeedom' }),
  });

  const pluginName = 'Virtual plugin installed and enabled';
  try {
    // With no plugin active, 4.5 answers "ok" (client.list).
    const installed = await client.list<{ id: string }>('plugin::listPlugin', { activateOnly: 0 });
    const active = await client.list<{ id: string }>('plugin::listPlugin', { activateOnly: 1 });
    if (!installed.some((plugin) => plugin.id === VIRTUAL_PLUGIN)) {
      checks.push({
        name: pluginName,
        ok: false,
        detail: 'the Virtual plugin is not installed',
        hint: 'install it: Plugins → Plugin management → Market, search "Virtuel" (free, by Jeedom SAS), install, then Activer',
      });
    } else if (!active.some((plugin) => plugin.id === VIRTUAL_PLUGIN)) {
      checks.push({
        name: pluginName,
        ok: false,
        detail: 'the Virtual plugin is installed but not enabled',
        hint: 'enable it: Plugins → Plugin management → Virtuel → Activer',
      });
    } else {
      checks.push({ name: pluginName, ok: true });
    }
  } catch (error) {
    checks.push(failed(pluginName, error));
  }

  if (config.object_id === undefined) {
    checks.push({
      name: 'parent object',
      ok: true,
      detail: 'JEEDOM_OBJECT_ID not set: equipments are created without a parent object',
    });
  } else {
    const name = `parent object ${config.object_id} exists`;
    try {
      const object = await client.call<{ name: string }>('jeeObject::byId', { id: config.object_id });
      checks.push({ name, ok: true, detail: `"${object.name}"` });
    } catch (error) {
      checks.push(
        isJeedomRpcError(error, JEEDOM_CODE.objectNotFound)
          ? {
              name,
              ok: false,
              detail: `Jeedom has no object ${config.object_id}`,
              hint: 'set JEEDOM_OBJECT_ID to the id shown in Tools → Objects (open the object: the id is in its URL), or leave it unset',
            }
          : failed(name, error),
      );
    }
  }

  for (const [key, value] of Object.entries(config.commands)) {
    const id = commandIdOf(value);
    const name = `JEEDOM_COMMANDS ${key} → command ${id}`;
    try {
      const cmd = await client.call<{ name: string; type: string; subType: string }>('cmd::byId', { id });
      checks.push(
        cmd.type === 'info'
          ? { name, ok: true, detail: `"${cmd.name}" (${cmd.subType})` }
          : {
              name,
              ok: false,
              detail: `"${cmd.name}" is an ${cmd.type} command`,
              hint: 'map an info command',
            },
      );
    } catch (error) {
      checks.push(
        isJeedomRpcError(error, JEEDOM_CODE.cmdNotFound)
          ? {
              name,
              ok: false,
              detail: `Jeedom has no command ${id}`,
              hint: 'use the id shown in the command configuration (cog icon)',
            }
          : failed(name, error),
      );
    }
  }
  return checks;
}
