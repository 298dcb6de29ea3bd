import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests run in parallel; integration tests start real processes on
// 127.0.0.1 (replicas, gateway, controller, Prometheus) and run one file at a time so they do not
// compete for this machine's two cores. The plugins have their own install roots and vitest configs.
const exclude = ['**/node_modules/**', '**/dist/**', 'plugins/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          setupFiles: ['scripts/testing/k6OnPath.ts'],
          include: ['services/**/*.test.ts', 'alerts/**/*.test.ts', 'dashboards/**/*.test.ts', 'deploy/**/*.test.ts', 'load-tests/**/*.test.ts', 'runbooks/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts'],
          testTimeout: 60_000,
          // Some unit files build a small model or start a replica in beforeAll: seconds when the
          // machine is quiet, more than vitest's default 10 s when it is saturated.
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          setupFiles: ['scripts/testing/k6OnPath.ts'],
          include: ['services/**/*.int.test.ts', 'alerts/**/*.int.test.ts', 'dashboards/**/*.int.test.ts', 'load-tests/**/*.int.test.ts', 'runbooks/**/*.int.test.ts'],
          exclude,
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
