/** The few PHP behaviours the stand-in needs to answer like Jeedom does. */

/** PHP `round($value, $places)`: half away from zero, after PHP's pre-rounding to 15 significant digits. */
export function phpRound(value: number, places: number): number {
  const factor = 10 ** places;
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  return (Math.sign(value) * Math.round(scaled)) / factor || 0;
}

/** PHP `floatval()` of a scalar: the longest numeric prefix, 0 when there is none. */
export function phpFloatval(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const match = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(String(value ?? ''));
  return match ? Number(match[0]) : 0;
}

/** How PHP writes a float into a string column (`precision` = 14): 5.0 → "5", 0.1 + 0.2 → "0.3". */
export function phpFloatToString(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(14)));
}

/** PHP `trim()` of a scalar as `formatValue` applies it (`trim(trim($_value), '"')`). */
export function phpString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '';
  return String(value);
}

/** PHP's loose `==` between two scalars, as `event()` compares the old and new value. */
export function phpLooseEquals(a: unknown, b: unknown): boolean {
  const numeric = (v: unknown) =>
    typeof v === 'number' ||
    (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v));
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  return phpString(a) === phpString(b);
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;

/**
 * What MariaDB stores for a DATETIME parameter: `Y-m-d H:i:s` (a bare date means midnight), or null when the
 * text is not a valid datetime (strict mode then rejects the statement).
 */
export function mysqlDatetime(value: unknown): string | null {
  const match = DATETIME.exec(String(value ?? '').trim());
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00'] = match;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

/** PHP `date('Y-m-d H:i:s')` in Jeedom's configured timezone (core.inc.php: date_default_timezone_set). */
export function phpDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/**
 * core/php/utils.inc.php `cleanComponanteName()` (4.5.3: 1796-1800): `& # ] [ % \\ / ' " *` removed, then
 * `strip_tags`, then every run of whitespace made one space.
 */
export function cleanComponanteName(name: string): string {
  return name
    .replace(/[&#\][%\\/'"*]/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ');
}
