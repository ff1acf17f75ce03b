/**
 * What a destination holds, read from the state it stored (export_state) without loading its code: for each
 * series the state names (a key holding a PDL number, or `tempo` / `ecowatt`), the newest day (or month, or
 * hour) found under it. VictoriaMetrics (per-stream fingerprints of the days sent), Home Assistant (per
 * statistic, the last hour confirmed) and Jeedom (the last Tempo day) record such dates; MQTT records none.
 */
export interface Holding {
  pdl: string | null;
  series: string;
  /** `YYYY-MM-DD`, `YYYY-MM` or an ISO instant, as the destination stored it. */
  newest: string;
}

const PDL = /\d{14}/;
const DATE = /^\d{4}-\d{2}(-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)?$/;
const SHARED_SERIES = /tempo|ecowatt/i;

export function holdingsOf(state: Readonly<Record<string, unknown>>): Holding[] {
  const newest = new Map<string, Holding>();
  const visit = (node: unknown, owner: { pdl: string | null; series: string } | null, key: string) => {
    const here = ownerOf(key) ?? owner;
    if (here && (DATE.test(key) || (typeof node === 'string' && DATE.test(node)))) {
      const date = typeof node === 'string' && DATE.test(node) ? node : key;
      const id = `${here.pdl}\u0000${here.series}`;
      const known = newest.get(id);
      if (!known || date > known.newest) newest.set(id, { ...here, newest: date });
    }
    if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      for (const [childKey, child] of Object.entries(node)) visit(child, here, childKey);
    }
  };
  for (const [key, value] of Object.entries(state)) visit(value, null, key);
  return [...newest.values()].sort(
    (a, b) => (a.pdl ?? '').localeCompare(b.pdl ?? '') || a.series.localeCompare(b.series),
  );
}

/** `12345678901234:consumption_daily` → that PDL's `consumption_daily`; `tempoThrough` → `tempo`. */
function ownerOf(key: string): { pdl: string | null; series: string } | null {
  const pdl = PDL.exec(key)?.[0];
  if (pdl) {
    // `myelectricaldata:consumption_<pdl>_hp` (a statistic id) → `consumption_hp`.
    const series = key
      .replace(pdl, '')
      .split(':')
      .pop()!
      .replace(/_+/g, '_')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/gi, '');
    return { pdl, series: series || 'data' };
  }
  const shared = SHARED_SERIES.exec(key)?.[0];
  return shared ? { pdl: null, series: shared.toLowerCase() } : null;
}
