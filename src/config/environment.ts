/** The process environment, or a test's: the only place configuration variables are read from. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Read by the process before any configuration (src/cli/compile-cache.ts): known, but not a setting of the
 * configuration file.
 */
export const COMPILE_CACHE_VARIABLE = 'MED_EXPORT_COMPILE_CACHE';
