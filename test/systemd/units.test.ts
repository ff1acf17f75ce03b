import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const unitDir = new URL('../../systemd/', import.meta.url).pathname;
const analyzer = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((path) => existsSync(path));

describe.skipIf(!analyzer)('systemd units (systemd-analyze)', () => {
  it('verify cleanly', async () => {
    const { stderr } = await run(analyzer!, [
      'verify',
      '--man=no',
      `${unitDir}med-export.service`,
      `${unitDir}med-export.timer`,
    ]);
    expect(stderr).toBe('');
  });

  it('keep the service exposure low (the figure the README quotes)', async () => {
    const { stdout } = await run(analyzer!, ['security', '--offline=yes', `${unitDir}med-export.service`]);
    const exposure = Number(/Overall exposure level for med-export\.service: ([\d.]+)/.exec(stdout)?.[1]);
    expect(exposure).toBeLessThanOrEqual(2);
  });
});
