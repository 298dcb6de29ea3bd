// The dev app server: Vite (in middleware mode) for the app, plus the controller proxy.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { nodePolyfills } from 'vite-plugin-node-polyfills';
import { createControllerProxy } from './proxy.mjs';

export const devRoot = fileURLToPath(new URL('.', import.meta.url));

/** Vite config of the dev app (also used by `npm run build:dev`). */
export function devViteConfig(overrides = {}) {
  return {
    root: devRoot,
    configFile: false,
    appType: 'spa',
    logLevel: 'warn',
    plugins: [react(), nodePolyfills()],
    build: { outDir: fileURLToPath(new URL('../dev-dist', import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 8000 },
    ...overrides,
  };
}

/**
 * Starts the dev app on 127.0.0.1:`port` (0 = any free port) with /api/proxy/drillbook forwarded
 * to `controllerUrl` carrying `token`. Resolves once it listens.
 * @param {{ controllerUrl: string, token?: string, port?: number, onBehalfOf?: (req: import('node:http').IncomingMessage) => Record<string, string> | undefined }} options
 */
export async function startDevServer({ controllerUrl, token, port = 0, onBehalfOf }) {
  const { createServer: createVite } = await import('vite');
  const http = createServer();
  const vite = await createVite(devViteConfig({ server: { middlewareMode: true, hmr: { server: http } } }));
  const proxy = createControllerProxy({ target: controllerUrl, token, onBehalfOf });
  http.on('request', (req, res) => {
    if (!proxy(req, res)) vite.middlewares(req, res);
  });
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', resolve);
  });
  const address = http.address();
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await vite.close();
      http.closeAllConnections();
      await new Promise(resolve => http.close(() => resolve()));
    },
  };
}
