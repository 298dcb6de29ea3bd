/**
 * HARNESS ONLY. Serves the browser harness on 127.0.0.1 (port 0): the built dist/ under
 * /public/plugins/<id>/ (where Grafana serves plugin files), @grafana/ui's icons, the harness bundle,
 * and a FAKE drill controller behind /api/plugin-proxy/<id>/api/* that answers from the recorded
 * responses in src/__fixtures__/controller (with Grafana's route role check emulated).
 */
import { build } from 'esbuild';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import pluginJson from '../src/plugin.json';
import { createFakeController, type FakeControllerOptions } from '../src/__fixtures__/fakeController';

/** Where /api/plugin-proxy/<id>/api/* goes: the fake controller, or a real one reached like Grafana's route does. */
export type HarnessBackend = { kind: 'fake'; options?: FakeControllerOptions } | { kind: 'real'; url: string; token: string };

const ROLE_RANK = { Viewer: 1, Editor: 2, Admin: 3 } as const;
const HARNESS_ROLE = 'Editor';

/**
 * What Grafana's plugin proxy does with the app's routes (pkg/api/pluginproxy): match method and
 * `api/*`, check the route's reqRole against the user's org role, then forward to
 * `{{ .JsonData.controllerUrl }}/api/v1/<rest>` with the Authorization header from secureJsonData.
 */
function realProxy(controllerUrl: string, token: string) {
  return async (pathAfterApi: string, search: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
    const route = pluginJson.routes.find((r) => r.method === init.method);
    if (!route) {
      return new Response(JSON.stringify({ message: 'plugin route match not found' }), { status: 404, headers: { 'Content-Type': 'application/json' } });
    }
    if (ROLE_RANK[HARNESS_ROLE] < ROLE_RANK[route.reqRole as keyof typeof ROLE_RANK]) {
      return new Response(JSON.stringify({ message: 'plugin proxy route access denied' }), { status: 403, headers: { 'Content-Type': 'application/json' } });
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    for (const h of ['accept', 'content-type', 'last-event-id']) {
      if (init.headers[h]) {
        headers[h] = init.headers[h];
      }
    }
    return fetch(`${controllerUrl}/api/v1${pathAfterApi}${search}`, { method: init.method, headers, body: init.body });
  };
}

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const icons = join(root, 'node_modules/@grafana/ui/dist/public/img/icons');
const APP_ID = 'drillbook-gameday-app';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown',
  '.html': 'text/html',
};

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>Drillbook Grafana plugin harness</title>
<script>
  // What Grafana's index.html provides before any plugin code runs.
  window.grafanaBootData = { settings: { featureToggles: {}, buildInfo: { version: '12.4.10' }, appSubUrl: '' }, user: { orgRole: 'Editor', login: 'harness' }, navTree: [] };
  window.__grafana_public_path__ = '/public/';
  window.__drillbook_harness_backend__ = '__BACKEND__';
</script>
</head><body><div id="root"></div><script src="/harness.js"></script></body></html>`;

export async function bundleHarness(): Promise<string> {
  const out = await build({
    entryPoints: [join(root, 'e2e/harness/entry.tsx')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.css': 'empty', '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty' },
    write: false,
    logLevel: 'error',
  });
  return out.outputFiles[0].text;
}

function sendFile(res: ServerResponse, file: string) {
  if (!existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${file}`);
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
  createReadStream(file).pipe(res);
}

function under(dir: string, rel: string): string | null {
  const p = normalize(join(dir, decodeURIComponent(rel)));
  return p.startsWith(dir) ? p : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHarness(backend: HarnessBackend = { kind: 'fake', options: { eventDelayMs: 350 } }) {
  const harnessJs = await bundleHarness();
  const fake = createFakeController(backend.kind === 'fake' ? backend.options : {});
  const real = backend.kind === 'real' ? realProxy(backend.url, backend.token) : null;
  const banner = backend.kind === 'real' ? `REAL drill controller at ${backend.url}` : 'a FAKE controller serving recorded responses';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (url.pathname === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(page.replace('__BACKEND__', banner));
      } else if (url.pathname === '/harness.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(harnessJs);
      } else if (url.pathname.startsWith(`/public/plugins/${APP_ID}/`)) {
        const file = under(dist, url.pathname.slice(`/public/plugins/${APP_ID}/`.length));
        file ? sendFile(res, file) : res.writeHead(400).end();
      } else if (url.pathname.startsWith('/public/build/img/icons/')) {
        const file = under(icons, url.pathname.slice('/public/build/img/icons/'.length));
        file ? sendFile(res, file) : res.writeHead(400).end();
      } else if (url.pathname.startsWith(`/api/plugin-proxy/${APP_ID}/`)) {
        const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === 'string') {
            headers[k] = v;
          }
        }
        const method = (req.method ?? 'GET').toUpperCase();
        const answer = real
          ? await real(url.pathname.slice(`/api/plugin-proxy/${APP_ID}/api`.length), url.search, { method, headers, body })
          : await fake.fetch(url.pathname + url.search, { method, headers, body });
        res.writeHead(answer.status, Object.fromEntries(answer.headers.entries()));
        if (!answer.body) {
          res.end();
          return;
        }
        const reader = answer.body.getReader();
        req.on('close', () => void reader.cancel().catch(() => undefined));
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            break;
          }
          res.write(value);
        }
        res.end();
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      }
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
      }
      res.end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fake,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
