import { randomInt } from 'node:crypto';
import { redact } from '../../redact.js';
import type { Check, TestContext } from '../../contract/destination.js';
import {
  VictoriaMetricsHttpError,
  VictoriaMetricsUnreachableError,
  cleanServerText,
  createVictoriaMetricsClient,
} from './client.js';
import type { VictoriaMetricsClient } from './client.js';
import { authOf } from './config.js';
import type { VictoriaMetricsConfig } from './config.js';
import { victoriaMetricsEndpoints } from './endpoints.js';
import { extraLabelValues, formatSample } from './encode.js';

/**
 * The probe series `test` writes: one sample at the time of the test, value = a random nonce to recognise it
 * when reading back. It is its own metric, which no dashboard or query of med-export reads, and always the same
 * series (no label changes between tests), so repeated tests add samples to one harmless series.
 */
const PROBE_METRIC = 'med_export_write_probe';

/** MyElectricalData keeps years of history; Enedis alone serves 3 years of daily data. */
const RECOMMENDED_RETENTION_DAYS = 3 * 365;

const READ_BACK_ATTEMPTS = 12;
const READ_BACK_PAUSE_MS = 250;

function failure(name: string, error: unknown, hint: string): Check {
  const detail = redact(error instanceof Error ? error.message : String(error));
  return { name, ok: false, detail, hint };
}

/** Why an import was refused, in the user's terms. */
function writeHint(error: VictoriaMetricsHttpError): string {
  const text = error.serverText.toLowerCase();
  if (error.status === 401 || text.includes('auth token') || text.includes('cannot authorize')) {
    return 'Set VICTORIAMETRICS_USERNAME/VICTORIAMETRICS_PASSWORD (or VICTORIAMETRICS_TOKEN) to credentials VictoriaMetrics (or vmauth) accepts.';
  }
  if (error.status === 403) return 'These credentials may read but not write: use a user allowed to import.';
  if (text.includes('missing route')) {
    return 'The proxy (vmauth) has no write route for this user: add /api/v1/import/prometheus to its url_map, or use a user with write access.';
  }
  if (text.includes('unsupported path') || error.status === 404) {
    return 'This URL does not accept imports. Use the single node (http://host:8428) or a vminsert tenant URL (http://vminsert:8480/insert/0/prometheus); a vmselect URL (/select/…) is read-only.';
  }
  return 'See VictoriaMetrics’ message above.';
}

/** `flag{name="retentionPeriod", value="100y", is_set="true"} 1` → "100y". */
export function flagValue(metricsText: string, flag: string): string | null {
  const escaped = flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^flag\\{name="${escaped}", value="([^"]*)"`, 'm').exec(metricsText);
  return match?.[1] ?? null;
}

/**
 * -retentionPeriod in days: a bare number is months (the default is 1), or a number with h, d, w or y
 * (lib/flagutil/duration.go, as `victoria-metrics -help` describes it). Null when unreadable.
 */
export function retentionDays(value: string): number | null {
  const match = /^(\d+(?:\.\d+)?)([hdwy]?)$/.exec(value.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = match[2];
  if (unit === 'h') return amount / 24;
  if (unit === 'd') return amount;
  if (unit === 'w') return amount * 7;
  if (unit === 'y') return amount * 365;
  return amount * 31;
}

export async function diagnoseVictoriaMetrics(ctx: TestContext<VictoriaMetricsConfig>): Promise<Check[]> {
  const { config } = ctx;
  const checks: Check[] = [];
  let client: VictoriaMetricsClient;
  try {
    client = await createVictoriaMetricsClient({
      endpoints: victoriaMetricsEndpoints(config.url),
      auth: authOf(config),
      timeoutMs: ctx.timeoutMs,
      caFile: config.ca_cert,
      tlsInsecure: config.tls_insecure,
    });
  } catch (error) {
    return [failure('configuration', error, 'Fix the VictoriaMetrics options named above.')];
  }
  const { endpoints } = client;

  // 1. Reachable: /health answers "OK" without credentials (lib/httpserver: /health is never protected).
  try {
    const health = await client.request('GET', endpoints.healthUrl);
    if (health.status !== 200) {
      checks.push({
        name: 'reachable',
        ok: false,
        detail: `HTTP ${health.status} from ${endpoints.healthUrl}: ${cleanServerText(health.body) || '(empty)'}`,
        hint: 'Point VICTORIAMETRICS_URL at VictoriaMetrics itself (single node :8428, or vminsert :8480/insert/<tenant>/prometheus).',
      });
      return checks;
    }
    const version = await versionOf(client);
    checks.push({
      name: 'reachable',
      ok: true,
      detail: `${endpoints.base} is up${version ? ` (VictoriaMetrics ${version})` : ''}`,
    });
  } catch (error) {
    const hint =
      error instanceof VictoriaMetricsUnreachableError
        ? 'Check that VictoriaMetrics runs, and the host, port and scheme of VICTORIAMETRICS_URL.'
        : 'Check VICTORIAMETRICS_URL.';
    checks.push(failure('reachable', error, hint));
    return checks;
  }

  // 2. Credentials: an empty import is authenticated like any other and stores nothing.
  try {
    await client.importText('');
    checks.push({
      name: 'credentials',
      ok: true,
      detail: authOf(config).kind === 'none' ? 'no credentials configured, none required' : 'accepted',
    });
  } catch (error) {
    if (error instanceof VictoriaMetricsHttpError) {
      const text = error.serverText.toLowerCase();
      const authProblem =
        error.status === 401 || text.includes('auth token') || text.includes('cannot authorize');
      if (authProblem) {
        checks.push({
          name: 'credentials',
          ok: false,
          detail: redact(error.message),
          hint: writeHint(error),
        });
        return checks;
      }
      // Authenticated, but this user or URL cannot write: reported by the write check below.
      checks.push({ name: 'credentials', ok: true, detail: 'accepted (but see write permission)' });
    } else {
      checks.push(failure('credentials', error, 'Check the network path to VictoriaMetrics.'));
      return checks;
    }
  }

  // 3. Write permission: import one probe sample, then read it back where the URL allows reads.
  const nonce = randomInt(1, 2 ** 31);
  const probeAt = Date.now();
  const probeLabels = { source: 'med-export', ...extraLabelValues(config.labels) };
  try {
    await client.importText(
      `${formatSample({ metric: PROBE_METRIC, labels: probeLabels, value: nonce, timestampMs: probeAt })}\n`,
    );
  } catch (error) {
    const hint = error instanceof VictoriaMetricsHttpError ? writeHint(error) : 'Check the network path.';
    checks.push(failure('write permission', error, hint));
    return checks;
  }
  checks.push(await readBack(client, nonce, probeAt));

  // 4. Retention and deduplication, when the server shows its flags.
  const flags = await metricsText(client);
  const retention = flags === null ? null : flagValue(flags, 'retentionPeriod');
  if (retention !== null) {
    const days = retentionDays(retention);
    const longEnough = days === null || days >= RECOMMENDED_RETENTION_DAYS;
    checks.push({
      name: 'retention',
      ok: longEnough,
      detail: `-retentionPeriod=${retention}${days === null ? '' : ` (about ${Math.round(days)} days)`}`,
      ...(longEnough
        ? {}
        : {
            hint: 'VictoriaMetrics silently drops samples older than its retention, so most of the history would be lost: start it with -retentionPeriod=100y (see docs/victoriametrics.md).',
          }),
    });
    const dedup = flagValue(flags!, 'dedup.minScrapeInterval');
    if (dedup !== null) {
      checks.push({
        name: 'deduplication',
        ok: true,
        detail:
          dedup === '0s' || dedup === '0'
            ? 'off: a corrected value is stored beside the old one (see -dedup.minScrapeInterval in docs/victoriametrics.md)'
            : `-dedup.minScrapeInterval=${dedup}: a re-sent sample replaces the old one`,
      });
    }
  }
  return checks;
}

async function readBack(client: VictoriaMetricsClient, nonce: number, probeAt: number): Promise<Check> {
  const name = 'write permission';
  const probeNote = `probe sample ${PROBE_METRIC}{source="med-export"} (a series of its own that nothing reads)`;
  if (!client.endpoints.exportUrl) {
    return {
      name,
      ok: true,
      detail: `${probeNote} accepted; not read back: a vminsert URL has no read API`,
    };
  }
  await client.forceFlush().catch(() => false);
  for (let attempt = 0; attempt < READ_BACK_ATTEMPTS; attempt++) {
    try {
      const series = await client.exportSeries(PROBE_METRIC, {
        startMs: probeAt - 60_000,
        endMs: probeAt + 60_000,
      });
      const found = series.some((item) =>
        item.values.some((value, index) => value === nonce && item.timestamps[index] === probeAt),
      );
      if (found) return { name, ok: true, detail: `${probeNote} written and read back` };
    } catch (error) {
      if (error instanceof VictoriaMetricsHttpError) {
        return {
          name,
          ok: true,
          detail: `${probeNote} accepted (HTTP 204); reading it back was refused (HTTP ${error.status}), so these credentials may be write-only: Grafana needs its own read access`,
        };
      }
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, READ_BACK_PAUSE_MS));
  }
  return {
    name,
    ok: false,
    detail: `${probeNote} was accepted but could not be read back`,
    hint: 'VictoriaMetrics answered 204 yet stored nothing readable: check its log (relabeling, -retentionPeriod, clock skew) and that the URL reads and writes the same storage/tenant.',
  };
}

async function versionOf(client: VictoriaMetricsClient): Promise<string | null> {
  const text = await metricsText(client);
  const match =
    text === null ? null : /^vm_app_version\{version="([^"]*)", short_version="([^"]*)"\}/m.exec(text);
  return match?.[2] || match?.[1] || null;
}

const metricsCache = new WeakMap<VictoriaMetricsClient, Promise<string | null>>();

/** `/metrics` of VictoriaMetrics (or of the vmauth in front of it); null when not readable. */
function metricsText(client: VictoriaMetricsClient): Promise<string | null> {
  let text = metricsCache.get(client);
  if (!text) {
    text = client
      .request('GET', client.endpoints.metricsUrl)
      .then((response) => (response.status === 200 ? response.body : null))
      .catch(() => null);
    metricsCache.set(client, text);
  }
  return text;
}
