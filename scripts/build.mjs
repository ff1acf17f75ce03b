// Bundles the CLI with esbuild: one file per lazily loaded part instead of hundreds of modules, because cron
// starts med-export every few minutes and module loading dominated its cold start. Type-checking is
// `npm run typecheck` (tsc); this only emits.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

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
  logLevel: 'warning',
});
