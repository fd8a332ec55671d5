import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Proof under faults: real Ringback processes (`node --import tsx src/main.ts`) killed, multiplied and starved of
 * their database or of GHL. Postgres only (each file skips itself without DATABASE_URL); one file at a time, as
 * every file already runs several processes on a 2-core machine.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/reliability/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
