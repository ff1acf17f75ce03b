// Bundles the CLI with esbuild: one file per lazily loaded part instead of hundreds of modules, because cron
// starts med-export every few minutes and module loading dominated its cold start. Type-checking is
// `npm run typecheck` (tsc); this only emits.
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';

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

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/bin.ts'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // pg-native is optional (pg uses it only when asked); typescript only for .ts config files, which we
  // do not document.
  external: ['pg-native', 'typescript'],
  // CommonJS dependencies (pg, mqtt …) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as medExportCreateRequire } from 'node:module'; const require = medExportCreateRequire(import.meta.url);",
  },
  plugins: [loadTimePatches],
  logLevel: 'warning',
});
