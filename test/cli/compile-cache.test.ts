import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const moduleUrl = new URL('../../src/cli/compile-cache.ts', import.meta.url).href;

let work: string;
let bundle: string;
let cacheHome: string;

/**
 * A process like the CLI: the cache installed over `bundle`, its entry loaded and run, which loads its part; like
 * the heap settings of a long export, V8's flags changed when asked (the cache told first), after the part was
 * loaded or (`before: 'part'`) between the entry and the part.
 */
function run(
  env: Record<string, string> = {},
  options: { changeFlags?: boolean; before?: 'part' } = {},
): string {
  // One script for every run: Node's own options (execArgv, `-e`'s text among them) name the cache's directory.
  const script = join(work, 'run.mjs');
  writeFileSync(
    script,
    `import { createRequire } from 'node:module';
    import { setFlagsFromString } from 'node:v8';
    const { installCompileCache } = await import(${JSON.stringify(moduleUrl)});
    const cache = installCompileCache(${JSON.stringify(bundle)});
    const changeFlags = () => {
      cache.flagsChanging(['--heap-growing-percent=20']);
      setFlagsFromString('--heap-growing-percent=20');
    };
    const entry = createRequire(import.meta.url)(${JSON.stringify(join(bundle, 'entry.js'))});
    if (process.env.CHANGE_FLAGS === 'before part') changeFlags();
    console.log(entry.answer());
    if (process.env.CHANGE_FLAGS === 'after') changeFlags();`,
  );
  return execFileSync(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      XDG_CACHE_HOME: cacheHome,
      ...(options.changeFlags ? { CHANGE_FLAGS: options.before ? 'before part' : 'after' } : {}),
      ...env,
    },
    encoding: 'utf8',
  }).trim();
}

function writeBundle(answer: string) {
  writeFileSync(
    join(bundle, 'entry.js'),
    "'use strict';\nexports.answer = () => require('./part.js').word();\n",
  );
  writeFileSync(join(bundle, 'part.js'), `'use strict';\nexports.word = () => ${JSON.stringify(answer)};\n`);
}

/** The cache's entries, each with the time it was last written. */
function entries(): Map<string, number> {
  const kinds = join(cacheHome, 'med-export', 'compile-cache');
  const found = new Map<string, number>();
  for (const kind of readdirSync(kinds)) {
    for (const entry of readdirSync(join(kinds, kind)))
      found.set(entry, statSync(join(kinds, kind, entry)).mtimeMs);
  }
  return found;
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'med-export-compile-cache-'));
  bundle = join(work, 'bundle');
  cacheHome = join(work, 'cache');
  mkdirSync(bundle);
  writeBundle('first');
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('the compile cache', () => {
  it('keeps one entry per file run, and the next run uses them instead of writing them again', () => {
    expect(run()).toBe('first');
    const written = entries();
    expect([...written.keys()].map((name) => name.split('-')[0]).sort()).toEqual(['entry.js', 'part.js']);
    expect(run()).toBe('first');
    expect(entries()).toEqual(written);
  });

  it('runs a rebuilt file as rebuilt, replacing its entry', () => {
    run();
    const before = [...entries().keys()];
    writeBundle('second, longer');
    expect(run()).toBe('second, longer');
    const after = [...entries().keys()];
    expect(after.filter((name) => name.startsWith('part.js'))).toHaveLength(1);
    expect(after.find((name) => name.startsWith('part.js'))).not.toBe(
      before.find((name) => name.startsWith('part.js')),
    );
  });

  it('compiles as usual over an entry V8 rejects, and writes it anew', () => {
    run();
    const kind = join(
      cacheHome,
      'med-export',
      'compile-cache',
      readdirSync(join(cacheHome, 'med-export', 'compile-cache'))[0]!,
    );
    const part = readdirSync(kind).find((name) => name.startsWith('part.js'))!;
    writeFileSync(join(kind, part), 'not V8 code');
    const before = entries().get(part)!;
    expect(run()).toBe('first');
    expect(statSync(join(kind, part)).size).toBeGreaterThan('not V8 code'.length);
    expect(entries().get(part)).toBeGreaterThan(before);
  });

  it('saved before the heap settings change V8 flags, stays valid for the next run', () => {
    run({}, { changeFlags: true });
    const written = entries();
    expect(written.size).toBe(2);
    expect(run()).toBe('first');
    expect(entries()).toEqual(written);
  });

  it('caches a file first loaded after the flags changed under those flags, valid for the next such run', () => {
    run({}, { changeFlags: true, before: 'part' });
    const written = entries();
    expect([...written.keys()].map((name) => name.split('-')[0]).sort()).toEqual(['entry.js', 'part.js']);
    expect(run({}, { changeFlags: true, before: 'part' })).toBe('first');
    expect(entries()).toEqual(written);
  });

  it('is not used in a directory others can write to, nor when turned off', () => {
    mkdirSync(join(cacheHome, 'med-export'), { recursive: true });
    chmodSync(join(cacheHome, 'med-export'), 0o777);
    expect(run()).toBe('first');
    expect(entries().size).toBe(0);
    rmSync(cacheHome, { recursive: true });
    expect(run({ MED_EXPORT_COMPILE_CACHE: 'off' })).toBe('first');
    expect(readdirSync(work).sort()).toEqual(['bundle', 'run.mjs']);
  });
});
