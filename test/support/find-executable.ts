import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable `fallback` or `name` on PATH; null when the server is not installed here. */
export function findExecutable(name: string, fallback: string): string | null {
  const candidates = [
    fallback,
    ...(process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, name)),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there: try the next one
    }
  }
  return null;
}
