import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggedRequest } from '../test/jeedom-standin/jeedom-standin.js';
import { timeCommand } from './measure.js';

/**
 * The bare client Jeedom's figure is compared with: the calls a med-export backfill made (as the stand-in logged
 * them, in the order it received them), sent again one at a time, over one kept-alive connection, to a fresh
 * stand-in, by a Node process of its own (bench/reference-jeedom-client.mjs), as the exporter is one and as Home
 * Assistant's reference is: its start and its round trips to the stand-in, in this process, count as the
 * exporter's do. Ids come out the same as in med-export's run: equipments and commands are created in the same
 * order.
 */
export async function jeedomReference(
  jeedomUrl: string,
  apiKey: string,
  calls: readonly LoggedRequest[],
): Promise<{ seconds: number; requests: number }> {
  const folder = await mkdtemp(join(tmpdir(), 'med-bench-jeedom-'));
  try {
    const callsFile = join(folder, 'calls.json');
    await writeFile(callsFile, JSON.stringify(calls));
    const run = await timeCommand('node', ['bench/reference-jeedom-client.mjs'], {
      env: { JEEDOM_URL: jeedomUrl, JEEDOM_API_KEY: apiKey, CALLS_FILE: callsFile },
    });
    if (run.exitCode !== 0) throw new Error(`reference Jeedom client failed: ${run.stderr}`);
    return { seconds: run.seconds, requests: calls.length };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
