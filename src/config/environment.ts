/** The process environment, or a test's: the only place configuration variables are read from. */
export type Environment = Readonly<Record<string, string | undefined>>;
