import { selectDestinations } from '../select-destinations.js';
import { EXIT_FAILED, EXIT_OK } from '../errors.js';
import type { GlobalOptions, Output } from '../io.js';
import { readConfiguration } from '../session.js';

export async function testAction(output: Output, globals: GlobalOptions, name: string): Promise<number> {
  const config = await readConfiguration(output, globals);
  const [selected] = await selectDestinations(
    config,
    { all: false, names: [name] },
    { requireEnabled: false },
  );
  const { destination, config: destinationConfig } = selected!;
  const { color } = output;
  output.print(`Testing ${destination.title} (${destination.id})`);
  const checks = await destination
    .test({
      config: destinationConfig.options,
      settings: config.settings,
      timeoutMs: destinationConfig.common.timeoutMs,
      log: output.log,
    })
    .catch((error: unknown) => [
      {
        name: 'run the checks',
        ok: false,
        detail: (error as Error).message,
        hint: 'run again with --verbose',
      },
    ]);
  for (const check of checks) {
    const mark = check.ok ? color.green('✔ pass') : color.red('✖ fail');
    output.print(`${mark}  ${check.name}${check.detail ? `: ${check.detail}` : ''}`);
    if (!check.ok && check.hint) output.print(`        fix: ${check.hint}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  output.print(
    failed === 0 ? `${checks.length} checks passed` : `${failed} of ${checks.length} checks failed`,
  );
  return failed === 0 ? EXIT_OK : EXIT_FAILED;
}
