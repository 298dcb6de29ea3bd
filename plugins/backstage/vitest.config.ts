import { defineConfig } from 'vitest/config';

export default defineConfig({
  esbuild: { jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/testing/vitestSetup.ts'],
    // material-ui-popup-state does a directory import of '@mui/material/Popover' that Node's ESM
    // loader refuses; inlining lets vite resolve it.
    server: { deps: { inline: [/material-ui-popup-state/] } },
    // Importing Backstage + MUI costs ~10 s per test file; sharing the module graph between files in
    // a worker cuts the suite to a fraction. Tests keep no module-level state (cleanup runs after each).
    isolate: false,
    testTimeout: 20_000,
  },
});
