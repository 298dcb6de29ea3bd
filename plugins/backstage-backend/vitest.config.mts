import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/testing/vitestSetup.ts'],
    // The test starts a real drill controller process (tsx) and a Backstage test backend: generous on a loaded machine.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
