/**
 * After this long an export is a backfill, not an idle cron pass (which ends in about 200 ms): the heap settings
 * below cost an idle pass scavenges of a young generation kept small while its modules load (about 7 % of its
 * CPU) and save it nothing; set from here on, a 1 PDL × 3 years backfill peaks at 86–89 MB instead of 80–82 MB.
 */
const BACKFILL_AFTER_MS = 150;

const BACKFILL_HEAP_FLAGS = ['--heap-growing-percent=20', '--semi-space-growth-factor=1'];

/**
 * Heap settings for an export pass, measured with `/usr/bin/time -v` on 1 PDL × 3 years (README, Benchmark):
 * the live set stays near 30 MB, but V8's default growth let the heap swell to 4× that before a full
 * collection. A slower heap growth and a young generation that does not grow cut peak RSS by about 30 % for
 * about 10 % more CPU. Both can be changed on a running isolate (unlike `--max-semi-space-size`), so no re-exec
 * with command-line flags, which would cost every cron run a second Node start-up. Only an export needs them:
 * the other commands (`--help`, `status`, `logs`) do not load node:v8. `beforeChange` is told the flags first: V8
 * rejects code cached under other flags (compile-cache.ts).
 */
export async function applyHeapSettings(
  argv: readonly string[],
  beforeChange: (flags: readonly string[]) => void,
): Promise<void> {
  if (!argv.includes('export')) return;
  const { setFlagsFromString } = await import('node:v8');
  setTimeout(() => {
    beforeChange(BACKFILL_HEAP_FLAGS);
    for (const flag of BACKFILL_HEAP_FLAGS) setFlagsFromString(flag);
  }, BACKFILL_AFTER_MS).unref();
}
