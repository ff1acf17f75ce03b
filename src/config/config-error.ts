import { redact } from '../redact.js';

/** A configuration problem: the run stops with exit 2 and this message, which names the key. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    value: unknown,
    expected: string,
  ) {
    super(
      value === undefined
        ? `${key} is not set; expected ${expected}`
        : `${key}: ${describeValue(value)} is not valid; expected ${expected}`,
    );
    this.name = 'ConfigError';
  }
}

function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(redact(text ?? String(value)));
}
