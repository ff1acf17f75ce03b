import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, ConfigProblem } from './config-error.js';
import type { Environment } from './environment.js';

const MODULE = 'med-export';

/**
 * The working directory's names: the one the README and config.example.yaml give first, then cosmiconfig's
 * own (`.med-exportrc.yaml`, a `med-export` key in package.json …).
 */
const WORKING_DIRECTORY_NAMES = [
  `${MODULE}.config.yaml`,
  `${MODULE}.config.yml`,
  `${MODULE}.config.json`,
  'package.json',
  `.${MODULE}rc`,
  `.${MODULE}rc.json`,
  `.${MODULE}rc.yaml`,
  `.${MODULE}rc.yml`,
  `.config/${MODULE}rc`,
  `.config/${MODULE}rc.json`,
  `.config/${MODULE}rc.yaml`,
  `.config/${MODULE}rc.yml`,
];

export const SYSTEM_CONFIG_DIRECTORY = '/etc/med-export';

export interface ConfigFileSearch {
  /** `--config`: this file and no other. */
  explicitPath?: string;
  cwd: string;
  env: Environment;
  /** Where the system-wide `config.yaml` lives; a test points it elsewhere. */
  systemDirectory?: string;
}

/** Where a configuration is looked for when `--config` is not given, first match wins. */
export function configSearchPlaces(search: ConfigFileSearch): string[] {
  // XDG Base Directory specification: $XDG_CONFIG_HOME, or ~/.config when unset or empty.
  const userDirectory = search.env.XDG_CONFIG_HOME || (search.env.HOME && join(search.env.HOME, '.config'));
  return [
    ...WORKING_DIRECTORY_NAMES.map((name) => join(search.cwd, name)),
    ...(userDirectory ? [join(userDirectory, MODULE, 'config.yaml')] : []),
    join(search.systemDirectory ?? SYSTEM_CONFIG_DIRECTORY, 'config.yaml'),
  ];
}

export async function readConfigFile(
  search: ConfigFileSearch,
): Promise<{ file: string | null; content: Record<string, unknown> }> {
  const places = search.explicitPath ? [search.explicitPath] : configSearchPlaces(search);
  // cosmiconfig (and its YAML parser) loads only once there is a file for it: most cron runs have none.
  let explorer: Awaited<ReturnType<typeof createExplorer>> | undefined;
  for (const place of places) {
    if (!search.explicitPath && !existsSync(place)) continue;
    if (!search.explicitPath && basename(place) === 'package.json' && !hasConfigKey(place)) continue;
    explorer ??= await createExplorer();
    let result;
    try {
      result = await explorer.load(place);
    } catch (error) {
      throw fileError(place, error, search.explicitPath !== undefined);
    }
    // A package.json without a `med-export` key is not a configuration: keep looking.
    if (!result) continue;
    if (result.isEmpty) return { file: result.filepath, content: {} };
    const content: unknown = result.config;
    if (typeof content !== 'object' || content === null || Array.isArray(content)) {
      throw new ConfigError(result.filepath, content, 'a mapping of options at the top level');
    }
    return { file: result.filepath, content: content as Record<string, unknown> };
  }
  return { file: null, content: {} };
}

async function createExplorer() {
  // A CommonJS package: its exports object is the default export, in Node's loader as in the bundle's.
  const { cosmiconfig, defaultLoaders } = (await import('cosmiconfig')).default;
  return cosmiconfig(MODULE, {
    searchStrategy: 'none',
    // `.med-exportrc` without an extension is YAML (or JSON, which YAML reads too), as cosmiconfig documents.
    loaders: { noExt: defaultLoaders['.yaml'] },
  });
}

/**
 * Whether a package.json may hold a `med-export` key, as cosmiconfig reads it (a missing or null key is no
 * configuration). One that is not a JSON object goes to cosmiconfig, which says what is wrong with it, and so
 * does one with a `cosmiconfig` key, whose options may name another key.
 */
function hasConfigKey(packageJson: string): boolean {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(packageJson, 'utf8'));
  } catch {
    return true;
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return true;
  const keys = content as Record<string, unknown>;
  return keys[MODULE] != null || 'cosmiconfig' in keys;
}

function fileError(path: string, error: unknown, explicit: boolean): Error {
  const { code, mark, reason } = error as NodeJS.ErrnoException & {
    mark?: { line: number; column: number };
    reason?: string;
  };
  if (code === 'ENOENT') return new ConfigError('--config', path, 'an existing file');
  if (mark && reason) {
    // js-yaml counts lines and columns from 0.
    return new ConfigFileError(`${path}:${mark.line + 1}:${mark.column + 1}: ${reason}`);
  }
  const message = (error as Error).message.replace(/^\w+ Error in [^\n]*:\n/, '').split('\n')[0];
  return new ConfigFileError(`${explicit ? '--config ' : ''}${path}: ${message}`);
}

/** A configuration file that cannot be read: exit 2, the message names the file (and line and column). */
export class ConfigFileError extends ConfigProblem {
  constructor(message: string) {
    super(`configuration file ${message}`);
    this.name = 'ConfigFileError';
  }
}
