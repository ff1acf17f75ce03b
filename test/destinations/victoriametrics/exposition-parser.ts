/**
 * The test stand-in's reading of a `/api/v1/import/prometheus` body, written from VictoriaMetrics'
 * lib/protoparser/prometheus/parser.go (`unmarshalRow`, `Row.unmarshal`, `unmarshalTags`, `unescapeValue`) and
 * independent of the exporter's own formatter, so a formatting mistake shows up as an invalid line or a wrong
 * label here just as it would in VictoriaMetrics.
 */

export interface ParsedSample {
  metric: string;
  labels: Record<string, string>;
  value: number;
  /** null when the line had none (VictoriaMetrics then uses the time of arrival). */
  timestampMs: number | null;
}

export interface ParseResult {
  samples: ParsedSample[];
  /** Lines VictoriaMetrics would log and drop, with the reason. */
  invalid: { line: string; reason: string }[];
}

class LineError extends Error {}

const isBlank = (char: string | undefined) => char === ' ' || char === '\t';

function skipLeading(text: string): string {
  let index = 0;
  while (isBlank(text[index])) index++;
  return text.slice(index);
}

function skipTrailing(text: string): string {
  let end = text.length;
  while (end > 0 && isBlank(text[end - 1])) end--;
  return text.slice(0, end);
}

function nextBlank(text: string): number {
  for (let index = 0; index < text.length; index++) if (isBlank(text[index])) return index;
  return -1;
}

/** Go's ParseFloat accepts these spellings besides plain decimals (fastfloat too). */
function parseNumber(text: string, what: string): number {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
    throw new LineError(`cannot parse ${what} ${JSON.stringify(text)}`);
  return Number(text);
}

function unescape(value: string): string {
  let result = '';
  for (let index = 0; index < value.length; index++) {
    const char = value[index]!;
    if (char !== '\\') {
      result += char;
      continue;
    }
    const next = value[index + 1];
    if (next === undefined) {
      result += '\\';
      break;
    }
    index++;
    if (next === '\\') result += '\\';
    else if (next === '"') result += '"';
    else if (next === 'n') result += '\n';
    else result += `\\${next}`;
  }
  return result;
}

function closingQuote(text: string): number {
  // text starts right after the opening quote; a quote preceded by an even number of backslashes closes.
  for (let index = 0; index < text.length; index++) {
    if (text[index] !== '"') continue;
    let backslashes = 0;
    for (let back = index - 1; back >= 0 && text[back] === '\\'; back--) backslashes++;
    if (backslashes % 2 === 0) return index;
  }
  return -1;
}

function parseLabels(text: string, labels: Record<string, string>): string {
  let rest = text;
  for (;;) {
    rest = skipLeading(rest);
    if (rest.startsWith('}')) return rest.slice(1);
    const equals = rest.indexOf('=');
    if (equals < 0) throw new LineError(`missing value for tag ${JSON.stringify(rest)}`);
    const key = skipTrailing(rest.slice(0, equals));
    rest = skipLeading(rest.slice(equals + 1));
    if (!rest.startsWith('"')) throw new LineError(`expecting quoted value for tag ${JSON.stringify(key)}`);
    const end = closingQuote(rest.slice(1));
    if (end < 0) throw new LineError(`missing closing quote for tag value ${JSON.stringify(rest)}`);
    const value = unescape(rest.slice(1, end + 1));
    rest = rest.slice(end + 2);
    if (key.length > 0) labels[key] = value;
    rest = skipLeading(rest);
    if (rest.startsWith('}')) return rest.slice(1);
    if (!rest.startsWith(',')) throw new LineError(`missing comma after tag ${key}=${JSON.stringify(value)}`);
    rest = rest.slice(1);
  }
}

function parseLine(raw: string): ParsedSample {
  let text = skipLeading(raw);
  const labels: Record<string, string> = {};
  let metric: string;
  const brace = text.indexOf('{');
  if (brace >= 0) {
    metric = skipTrailing(text.slice(0, brace));
    text = parseLabels(text.slice(brace + 1), labels);
    if (text.startsWith(' ')) text = text.slice(1);
  } else {
    const blank = nextBlank(text);
    if (blank < 0) throw new LineError('missing value');
    metric = text.slice(0, blank);
    text = text.slice(blank + 1);
  }
  if (metric === '') throw new LineError('metric cannot be empty');
  text = skipLeading(text);
  const hash = text.indexOf('#');
  if (hash >= 0) text = text.slice(0, hash);
  if (text === '') throw new LineError('value cannot be empty');
  const blank = nextBlank(text);
  if (blank < 0) return { metric, labels, value: parseNumber(text, 'value'), timestampMs: null };
  const value = parseNumber(text.slice(0, blank), 'value');
  const rest = skipTrailing(skipLeading(text.slice(blank + 1)));
  if (rest === '') return { metric, labels, value, timestampMs: null };
  let timestamp = parseNumber(rest, 'timestamp');
  // OpenMetrics seconds: parser.go multiplies timestamps in [-2^31, 2^31) by 1000.
  if (timestamp >= -(2 ** 31) && timestamp < 2 ** 31) timestamp *= 1000;
  return { metric, labels, value, timestampMs: Math.trunc(timestamp) };
}

export function parseExposition(body: string): ParseResult {
  const result: ParseResult = { samples: [], invalid: [] };
  for (let line of body.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const trimmed = skipLeading(line);
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    try {
      result.samples.push(parseLine(line));
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      result.invalid.push({ line, reason: error.message });
    }
  }
  return result;
}
