/**
 * Where each request goes, from `VICTORIAMETRICS_URL`:
 * - single node `http://victoriametrics:8428` (or behind a path prefix such as `https://proxy/vm`): every
 *   endpoint under it;
 * - a cluster vminsert tenant URL `http://vminsert:8480/insert/0/prometheus`: imports under it, `/health` and
 *   `/metrics` at the vminsert root; vminsert serves no reads, so samples cannot be read back through it.
 * A URL that already ends with `/api/v1/import/prometheus` is accepted too.
 */
export interface VictoriaMetricsEndpoints {
  /** The configured URL without credentials, trailing slash or import path: what messages show. */
  base: string;
  importUrl: string;
  /** Null for a vminsert URL, which has no read API. */
  exportUrl: string | null;
  /** Single node only: `/internal/force_flush` makes just-imported samples searchable at once. */
  flushUrl: string | null;
  healthUrl: string;
  metricsUrl: string;
  /** `insert/<tenant>/prometheus` path: a cluster's vminsert. */
  cluster: boolean;
  /** `select/<tenant>/prometheus` path: a cluster's vmselect, which only reads. */
  readOnlyPath: boolean;
}

const IMPORT_SUFFIXES = ['/api/v1/import/prometheus', '/api/v1/import'];
const CLUSTER_INSERT_PATH = /^(.*)\/insert\/[^/]+\/prometheus$/;
const CLUSTER_SELECT_PATH = /^(.*)\/select\/[^/]+\/prometheus$/;

export function victoriaMetricsEndpoints(url: URL): VictoriaMetricsEndpoints {
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  clean.hash = '';
  let path = clean.pathname.replace(/\/+$/, '');
  for (const suffix of IMPORT_SUFFIXES) {
    if (path.endsWith(suffix)) path = path.slice(0, -suffix.length);
  }
  const at = (pathname: string) => {
    const target = new URL(clean.href);
    target.pathname = pathname === '' ? '/' : pathname;
    return target.href;
  };
  const base = at(path).replace(/\/$/, '');
  const clusterInsert = CLUSTER_INSERT_PATH.exec(path);
  const clusterSelect = CLUSTER_SELECT_PATH.exec(path);
  const root = clusterInsert?.[1] ?? clusterSelect?.[1] ?? path;
  return {
    base,
    importUrl: at(`${path}/api/v1/import/prometheus`),
    exportUrl: clusterInsert ? null : at(`${path}/api/v1/export`),
    flushUrl: clusterInsert || clusterSelect ? null : at(`${path}/internal/force_flush`),
    healthUrl: at(`${root}/health`),
    metricsUrl: at(`${root}/metrics`),
    cluster: clusterInsert !== null,
    readOnlyPath: clusterSelect !== null,
  };
}
