import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const caller = ['--import', 'tsx', 'test/cli/progress-caller.ts'];
const session = `med-export-progress-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/** Runs the caller in a tmux terminal; every screen seen until it finished. */
async function onTerminal(name: string, extra: string[] = []): Promise<string[]> {
  const command = [process.execPath, ...caller, ...extra].map((word) => `'${word}'`).join(' ');
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '10', '-c', root, `${command}; sleep 30`);
  const seen: string[] = [];
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const screen = tmux('capture-pane', '-p', '-t', name);
    seen.push(screen);
    if (screen.includes('pass finished')) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return seen;
}

afterAll(() => {
  for (const name of [session, `${session}-quiet`]) spawnSync('tmux', ['kill-session', '-t', name]);
});

describe('progress on a terminal', () => {
  it('shows the destination, what it does and how far, under a terminal (tmux)', async () => {
    const seen = await onTerminal(session);
    const frames = seen.join('\n');
    expect(frames).toMatch(/victoriametrics: importing samples \d+\/60 days \(\d+%\)/);
    // The spinner clears its line before the results are printed.
    const last = seen.at(-1)!;
    expect(last).toContain('pass finished');
    expect(last).not.toContain('importing samples');
  }, 30_000);

  it('shows nothing when piped, nor under --quiet on a terminal', async () => {
    const piped = spawnSync(process.execPath, caller, { cwd: root, encoding: 'utf8' });
    expect(piped.stdout).toBe('pass finished\n');
    expect(piped.stderr).toBe('');
    const quiet = await onTerminal(`${session}-quiet`, ['--quiet']);
    expect(quiet.at(-1)).toContain('pass finished');
    expect(quiet.join('\n')).not.toContain('importing');
  }, 30_000);
});
