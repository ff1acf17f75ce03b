import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    // Vitest's default (one worker fewer than the cores) runs one file at a time on a 2-core machine, while most
    // files spend much of their time waiting on a spawned CLI or a server: one worker more than the cores.
    maxWorkers: availableParallelism() + 1,
  },
});
