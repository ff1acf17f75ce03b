import { Agent, request } from 'node:http';
import type { LoggedRequest } from '../test/jeedom-standin/jeedom-standin.js';

/**
 * The bare client Jeedom's figure is compared with: the calls a med-export backfill made (as the stand-in logged
 * them, in the order it received them), sent again one at a time, over one kept-alive connection, to a fresh
 * stand-in. Ids come out the same as in med-export's run: equipments and commands are created in the same order.
 */
export async function jeedomReference(
  jeedomUrl: string,
  apiKey: string,
  calls: readonly LoggedRequest[],
): Promise<{ seconds: number; requests: number }> {
  const endpoint = new URL('/core/api/jeeApi.php', jeedomUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        endpoint,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: unknown };
            if (answer.error) reject(new Error(`reference call failed: ${JSON.stringify(answer.error)}`));
            else resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const started = process.hrtime.bigint();
  try {
    let id = 0;
    for (const call of calls) {
      id += 1;
      const params = { ...call.params, apikey: apiKey };
      await post(JSON.stringify({ jsonrpc: '2.0', id, method: call.method, params }));
    }
  } finally {
    agent.destroy();
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, requests: calls.length };
}
