import { defineConfig } from 'vitest/config';

// jsdom tests for the panels, pages and client. @grafana/* ship ESM that imports CommonJS named
// exports (moment-timezone), so vitest must inline them instead of handing them to Node.
export default defineConfig({
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts', 'provisioning/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    server: { deps: { inline: [/@grafana\//] } },
    testTimeout: 30_000,
  },
});
