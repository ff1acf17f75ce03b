import { readFileSync } from 'node:fs';

/** A PEM file named in the configuration (CA, client certificate or key), with an error that names the file. */
export function readPem(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`cannot read ${path}: ${reason}`, { cause: error });
  }
}
