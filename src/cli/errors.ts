/** A wrong command line or a configuration that cannot work: exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A failure outside any destination (the database, mostly): exit 1 with this message. */
export class RunError extends Error {}
