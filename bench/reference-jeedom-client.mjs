// Benchmark reference: the least a Jeedom backfill can do. A bare Node process sends the calls listed in
// CALLS_FILE (JSON: [{method, params}], as the stand-in logged the exporter's), one at a time, over one kept-alive
// connection, to JEEDOM_URL's jeeApi.php with JEEDOM_API_KEY, and fails on the first JSON-RPC error.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const { JEEDOM_URL, JEEDOM_API_KEY, CALLS_FILE } = process.env;
const calls = JSON.parse(readFileSync(CALLS_FILE, 'utf8'));
const endpoint = new URL('/core/api/jeeApi.php', JEEDOM_URL);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const post = (body) =>
  new Promise((resolve, reject) => {
    const req = request(
      endpoint,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (answer.error) reject(new Error(`reference call failed: ${JSON.stringify(answer.error)}`));
          else resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });

let id = 0;
for (const call of calls) {
  id += 1;
  const params = { ...call.params, apikey: JEEDOM_API_KEY };
  await post(JSON.stringify({ jsonrpc: '2.0', id, method: call.method, params }));
}
agent.destroy();
