import { main } from '../../src/cli/main.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI in-process with exactly this environment (nothing inherited from the test process),
 * capturing what it prints.
 */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  options: { signal?: AbortSignal; cwd?: string } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const exitCode = await main(args, {
    env,
    cwd: options.cwd ?? '/nonexistent-med-export-test-cwd',
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTTY: false,
    signal: options.signal ?? new AbortController().signal,
  });
  return { exitCode, stdout, stderr };
}
