/** Above this, a stored power (W) is a damaged value rather than a household or small producer reading. */
export const MAX_PLAUSIBLE_POWER_W = 100_000;

/** MyElectricalData leaves `interval_length` out for the default Enedis load curve step. */
const DEFAULT_INTERVAL_MINUTES = 30;

const KNOWN_INTERVAL_MINUTES = new Set([10, 15, 30, 60]);

/** The last `interval_length` text read, and its minutes. */
let lastLength: string | undefined;
let lastMinutes: number | null = null;

/**
 * Length in minutes of a detailed reading, from `raw_data->>'interval_length'` (ISO 8601 duration such as
 * `PT30M`). Absent (or raw_data null) → 30; anything else than a known step → null.
 */
export function intervalMinutes(rawData: unknown): number | null {
  if (rawData === null || rawData === undefined) return DEFAULT_INTERVAL_MINUTES;
  if (typeof rawData !== 'object' || Array.isArray(rawData)) return null;
  const length: unknown = (rawData as Record<string, unknown>)['interval_length'];
  if (length === null || length === undefined) return DEFAULT_INTERVAL_MINUTES;
  if (typeof length !== 'string') return null;
  // Every row of a load curve holds the same few values: the last one's answer is reused.
  if (length === lastLength) return lastMinutes;
  const match = /^PT(?:(\d{1,2})M|(1)H)$/i.exec(length.trim());
  const minutes = match ? (match[1] !== undefined ? Number(match[1]) : 60) : null;
  lastLength = length;
  lastMinutes = minutes !== null && KNOWN_INTERVAL_MINUTES.has(minutes) ? minutes : null;
  return lastMinutes;
}

/** Energy (Wh) of an interval whose average power is `averageW` over `minutes`. */
export function intervalEnergyWh(averageW: number, minutes: number): number {
  return (averageW * minutes) / 60;
}

/**
 * Wh → kWh rounded half away from zero to `decimals` places, on the decimal value rather than its binary
 * approximation (1234.5 Wh → 1.235 kWh, where `Math.round(1.2345 * 1000) / 1000` gives 1.234).
 */
export function whToKwh(wh: number, decimals = 3): number {
  if (!Number.isFinite(wh)) return wh;
  const places = Math.max(0, Math.trunc(decimals));
  const sign = wh < 0 ? -1 : 1;
  const magnitude = Math.abs(wh);
  let rounded: number;
  if (Number.isInteger(magnitude) && magnitude < 2 ** 50) {
    // An integer divided by 1, 10 or 100 is exact or far from a .5 tie, so Math.round is right here.
    if (places >= 3) return (sign * magnitude) / 1000 || 0;
    rounded = Math.round(magnitude / 10 ** (3 - places));
  } else {
    rounded = Math.round(shiftDecimal(magnitude, places - 3));
  }
  return sign * shiftDecimal(rounded, -places) || 0;
}

/** `value × 10^exponent` computed on the decimal text, so no binary rounding happens before the last step. */
function shiftDecimal(value: number, exponent: number): number {
  const [mantissa, ownExponent] = String(value).split('e');
  return Number(`${mantissa}e${Number(ownExponent ?? 0) + exponent}`);
}
