import { redact } from '../redact.js';

/** Anything that makes a configuration unusable: the run stops with exit 2 before doing anything. */
export class ConfigProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigProblem';
  }
}

/** A configuration problem: the run stops with exit 2 and this message, which names the key. */
export class ConfigError extends ConfigProblem {
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

/** Every problem a configuration has, found in one run so the user fixes them all at once. */
export class ConfigProblems extends ConfigProblem {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
    this.name = 'ConfigProblems';
  }
}

/** Collects problems instead of stopping at the first; `throwIfAny` then reports them all. */
export class ProblemList {
  private readonly problems: ConfigProblem[] = [];

  /** Runs `work`; a configuration problem it throws is kept and `undefined` returned instead. */
  attempt<T>(work: () => T): T | undefined {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof ConfigProblem)) throw error;
      this.add(error);
      return undefined;
    }
  }

  add(problem: ConfigProblem): void {
    if (problem instanceof ConfigProblems) this.problems.push(...problem.problems);
    else this.problems.push(problem);
  }

  throwIfAny(): void {
    if (this.problems.length === 1) throw this.problems[0]!;
    if (this.problems.length > 1) throw new ConfigProblems(this.problems);
  }
}

function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(redact(text ?? String(value)));
}
