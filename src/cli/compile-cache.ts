/**
 * V8's code cache for the bundle's own files, kept between runs. Compiling the bundle (about 2 MB of JavaScript)
 * was a fifth of an idle cron pass; from its cached code V8 skips the parsing, and the functions the last run
 * compiled come ready. Node 22 has this built in (`module.enableCompileCache`); Node 20 does not, so the
 * bundle's CommonJS files are compiled here with `vm.Script`'s `cachedData`, as Node's loader would compile them
 * otherwise. Anything that goes wrong (no home, a read-only disk, a foreign or open directory, a cache V8
 * rejects) only means compiling as usual: the cache never changes what runs.
 */
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { Script } from 'node:vm';
import { COMPILE_CACHE_VARIABLE } from '../config/environment.js';

export interface CompileCache {
  /**
   * To be called just before V8's flags change (the heap settings, `--heap-growing-percent` among them): V8
   * rejects code cached under other flags. Writes what was compiled without a usable cache so far; what is compiled
   * from then on is cached in the directory of the new flags, and written at exit.
   */
  flagsChanging(flags: readonly string[]): void;
}

const DISABLED: CompileCache = { flagsChanging: () => {} };

/** FNV-1a, in hex: names the flags' directory without loading node:crypto on every start. */
function stringHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return (hash >>> 0).toString(16);
}

/**
 * med-export's cache directory: systemd's `CacheDirectory=` (the unit sets it), else `$XDG_CACHE_HOME/med-export`,
 * else `~/.cache/med-export`; in it, one directory per kind of Node process and V8 flags set while running (V8
 * rejects another's code).
 */
function cacheDirectory(env: NodeJS.ProcessEnv, flagsSet: readonly string[]): string | null {
  const cacheHome = env['XDG_CACHE_HOME'] || join(env['HOME'] || homedir(), '.cache');
  const base = env['CACHE_DIRECTORY'] || join(cacheHome, 'med-export');
  const flags = JSON.stringify([process.execArgv, env['NODE_OPTIONS'] ?? '', flagsSet]);
  const directory = join(base, 'compile-cache', `v8-${process.version}-${process.arch}-${stringHash(flags)}`);
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    // Cached code is run as it is: a directory someone else owns or can write to would let them run theirs.
    const owned = [statSync(base), lstatSync(dirname(directory)), lstatSync(directory)].every(
      (stat) => stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0,
    );
    return owned ? directory : null;
  } catch {
    return null;
  }
}

/** One cache file per bundle file and version of it: a rebuilt file (another size or time) is another entry. */
function entryName(file: string): string {
  const stat = statSync(file);
  return `${basename(file)}-${stat.size}-${Math.trunc(stat.mtimeMs)}.v8`;
}

/**
 * Compiles the CommonJS files of `bundleDirectory` through the cache. `MED_EXPORT_COMPILE_CACHE=off` leaves
 * Node's loader alone.
 */
export function installCompileCache(bundleDirectory: string, env = process.env): CompileCache {
  if (env[COMPILE_CACHE_VARIABLE] === 'off') return DISABLED;
  let directory = cacheDirectory(env, []);
  if (directory === null) return DISABLED;
  const prefix = bundleDirectory + sep;
  let toWrite: { script: Script; name: string }[] = [];
  const loader = Module.prototype as unknown as {
    _compile(this: Module, content: string, filename: string): unknown;
  };
  const compile = loader._compile;
  loader._compile = function (this: Module, content: string, filename: string) {
    if (directory === null || !filename.startsWith(prefix) || !filename.endsWith('.js'))
      return compile.call(this, content, filename);
    const name = entryName(filename);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(join(directory, name));
    } catch {
      cachedData = undefined;
    }
    const script = new Script(Module.wrap(content), { filename, ...(cachedData ? { cachedData } : {}) });
    if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ script, name });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(
      this.exports,
      this.exports,
      createRequire(filename),
      this,
      filename,
      dirname(filename),
    );
  };

  /** Writes the code of the files compiled without a usable cache, under the flags they were compiled with. */
  const write = () => {
    const written = toWrite;
    toWrite = [];
    if (directory === null || written.length === 0) return;
    try {
      for (const { script, name } of written) {
        const temporary = join(directory, `${name}.${process.pid}.tmp`);
        writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
        renameSync(temporary, join(directory, name));
      }
      // What an earlier build left (entries no bundle file of this name, size and time has any more), and what a
      // process stopped while writing left.
      const current = new Set(
        readdirSync(bundleDirectory)
          .filter((file) => file.endsWith('.js'))
          .map((file) => entryName(join(bundleDirectory, file))),
      );
      for (const entry of readdirSync(directory)) {
        if (!current.has(entry)) rmSync(join(directory, entry), { force: true });
      }
    } catch {
      // Not cached this time: compiled again next time.
    }
  };
  process.once('exit', write);
  return {
    flagsChanging(flags) {
      write();
      directory = cacheDirectory(env, flags);
    },
  };
}
