import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** GNU time (Debian's `time` package): its -v report gives the peak resident set size the targets use. */
const GNU_TIME = '/usr/bin/time';

export interface CommandRun {
  seconds: number;
  exitCode: number | null;
  /** Peak resident set size of the process, MB, from `/usr/bin/time -v` (only when measured with `rss: true`). */
  peakRssMb: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, timing it from spawn to exit. */
export async function timeCommand(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; rss?: boolean; input?: string } = {},
): Promise<CommandRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  const [program, argv] = options.rss ? [GNU_TIME, ['-v', command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(program, argv, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? '');
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const seconds = (performance.now() - started) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return { seconds, exitCode, peakRssMb: rss ? Number(rss[1]) / 1024 : null, stdout, stderr };
}

/**
 * Medians of two commands run in turn (a, b, a, b …), so that both see the same moments of a shared machine: the
 * side-by-side figures the targets compare.
 */
export async function interleavedMedians(
  first: { command: string; args: string[]; env?: Record<string, string> },
  second: { command: string; args: string[]; env?: Record<string, string> },
  runs: number,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let index = 0; index < runs; index += 1) {
    for (const [slot, { command, args, env }] of [first, second].entries()) {
      const run = await timeCommand(command, args, env ? { env } : {});
      if (run.exitCode !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
      times[slot]!.push(run.seconds);
    }
  }
  return [median(times[0]), median(times[1])];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export interface Row {
  measurement: string;
  seconds: number | null;
  rows?: number;
  reference?: { name: string; seconds: number };
  /** Target as a maximum ratio to the reference, or a maximum absolute value with its unit. */
  target?: { maxRatio: number } | { max: number; unit: string; value: number };
  note?: string;
}

export function printTable(rows: readonly Row[]): string {
  const lines = [
    '| measurement | seconds | rows/s | reference | ref. seconds | ratio | target | met |',
    '| --- | ---: | ---: | --- | ---: | ---: | --- | --- |',
  ];
  for (const row of rows) {
    const ratio = row.reference && row.seconds !== null ? row.seconds / row.reference.seconds : null;
    let target = '';
    let met = '';
    if (row.target && 'maxRatio' in row.target) {
      target = `≤ ${row.target.maxRatio}×`;
      met = ratio === null ? 'n/a' : ratio <= row.target.maxRatio ? 'yes' : '**no**';
    } else if (row.target) {
      target = `≤ ${row.target.max} ${row.target.unit}`;
      met = row.target.value <= row.target.max ? 'yes' : '**no**';
    }
    lines.push(
      [
        row.measurement + (row.note ? ` (${row.note})` : ''),
        row.seconds === null ? 'n/a' : row.seconds.toFixed(3),
        row.rows && row.seconds ? Math.round(row.rows / row.seconds).toLocaleString('en-US') : '',
        row.reference?.name ?? '',
        row.reference ? row.reference.seconds.toFixed(3) : '',
        ratio === null ? '' : `${ratio.toFixed(2)}×`,
        target,
        met,
      ]
        .join(' | ')
        .replace(/^/, '| ')
        .concat(' |'),
    );
  }
  return lines.join('\n');
}
