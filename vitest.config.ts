import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'node_modules/**'],
    globalSetup: ['test/helpers/global-setup.ts', 'test/browser/chromium-notice.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more forks only fight over them, and each PGlite takes a few hundred MB.
    maxWorkers: 2,
    // Files share their worker's module graph: each one still builds its own databases, sandbox and runtime,
    // and not re-importing the app per file took the PGlite suite from 150 s to about 65 s.
    isolate: false,
  },
});
