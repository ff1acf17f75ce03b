// Bundles the CLI with esbuild: one file per lazily loaded part instead of hundreds of modules, because cron
// starts med-export every few minutes and module loading dominated its cold start. Type-checking is
// `npm run typecheck` (tsc); this only emits.
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Dependencies that do costly work when they load, for features med-export never uses; each is patched in the
 * bundle only (node_modules stays as installed), and a patch that no longer applies, or no longer has a file
 * to apply to, fails the build.
 */
const LOAD_TIME_PATCHES = [
  {
    // pg/lib/stream.js (`isCloudflareRuntime`) looks for Cloudflare Workers by reading `navigator`, which Node 20
    // lacks, then by building a `Response`, which loads Node's whole fetch implementation (undici): about 35 ms
    // of every run that opens the database. Node 21+ has a `navigator` whose userAgent ends the check at once.
    file: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/,
    find: 'function isCloudflareRuntime() {',
    replace: "function isCloudflareRuntime() {\n  if (typeof navigator === 'undefined') return false",
  },
  {
    // commander/lib/command.js loads child_process (and with it net, dgram, streams) for executable
    // subcommands, which med-export does not have: loaded on first use instead, off every start (`--help` too).
    file: /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/,
    find: "const childProcess = require('node:child_process');",
    replace: "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };",
  },
];

const applied = new Set();
const loadTimePatches = {
  name: 'load-time-patches',
  setup(build) {
    for (const patch of LOAD_TIME_PATCHES) {
      build.onLoad({ filter: patch.file }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(patch.find)) {
          throw new Error(`${args.path} changed: the load-time patch in scripts/build.mjs no longer applies`);
        }
        applied.add(patch);
        return { contents: source.replace(patch.find, patch.replace), loader: 'js' };
      });
    }
    build.onEnd(() => {
      const unused = LOAD_TIME_PATCHES.filter((patch) => !applied.has(patch));
      if (unused.length > 0)
        throw new Error(
          `load-time patches with no file to patch: ${unused.map((patch) => patch.file).join(', ')}`,
        );
    });
  },
};

const dist = new URL('../dist/', import.meta.url);
const splitDir = new URL('split/', dist);
await rm(dist, { recursive: true, force: true });
// esbuild splits only ESM: the split bundle is made first, then each of its files becomes CommonJS (below).
const split = await build({
  entryPoints: ['src/cli/bin.ts'],
  outdir: fileURLToPath(splitDir),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  metafile: true,
  // pg-native is optional (pg uses it only when asked); typescript only for .ts config files, which we
  // do not document.
  external: ['pg-native', 'typescript'],
  plugins: [loadTimePatches],
  logLevel: 'warning',
});
// Node 20 loads CommonJS without its ESM loader, which costs every start about 4 ms to boot and a few tenths of
// a millisecond per file (resolve, load, link: asynchronous jobs), a third of `--help`'s time beyond Node's own
// start. Each file stays one file, its `import()`s become `require()`s (still loaded on first use), and the
// source maps follow through to the TypeScript sources.
const bundleDir = new URL('bundle/', dist);
// Not "module": esbuild would then give each import() of a converted file Node's interop (its `default` the
// whole module.exports), whereas these files import each other's ESM exports, `default` included.
await writeFile(new URL('package.json', splitDir), '{ "type": "commonjs" }\n');
await build({
  entryPoints: Object.keys(split.metafile.outputs).filter((file) => file.endsWith('.js')),
  outdir: fileURLToPath(bundleDir),
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Each import() becomes a require() when reached: one that stayed would start the ESM loader after all.
  supported: { 'dynamic-import': false },
  // Less to read and hash at every start (6.3 MB -> 5.4 MB with maps); names are kept, and the maps still lead
  // to the sources. Alternating builds, medians of 16: idle VictoriaMetrics pass 140.0 -> 133.2 ms, idle pass of
  // all five 354 -> 328 ms.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  // migrate.ts finds the migrations beside the package through import.meta.url.
  define: { 'import.meta.url': 'medExportFileUrl' },
  banner: {
    js: "'use strict';\nconst medExportFileUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  logLevel: 'warning',
});
await writeFile(new URL('package.json', bundleDir), '{ "type": "commonjs" }\n');
await rm(splitDir, { recursive: true, force: true });
