/** The numbers of a line, written straight into a batch's bytes (ASCII), as `String()` would write them. */

/** Room for a value or a timestamp with its separator: `-1.2345678901234567e-300 ` or ` 9007199254740991\n`. */
export const NUMBER_MAX_BYTES = 26;

/** Writes a safe integer in decimal; returns the offset after it. */
export function writeInteger(buffer: Buffer, at: number, value: number): number {
  let rest = value;
  if (rest < 0) {
    buffer[at++] = 45;
    rest = -rest;
  }
  let digits = 1;
  for (let power = 10; power <= rest && digits < 16; power *= 10) digits += 1;
  const end = at + digits;
  let index = end;
  do {
    const next = Math.floor(rest / 10);
    buffer[--index] = 48 + (rest - next * 10);
    rest = next;
  } while (rest > 0);
  return end;
}

/** Writes a finite value as the shortest text that reads back as the same double (see LineFormat). */
export function writeValue(buffer: Buffer, at: number, value: number): number {
  if (Number.isSafeInteger(value)) return writeInteger(buffer, at, value);
  const text = String(value);
  for (let index = 0; index < text.length; index++) buffer[at++] = text.charCodeAt(index);
  return at;
}

/** Writes ` <timestamp>\n`, the end of every line. */
export function writeLineEnd(buffer: Buffer, at: number, timestampMs: number): number {
  buffer[at++] = 32;
  at = writeInteger(buffer, at, timestampMs);
  buffer[at++] = 10;
  return at;
}
