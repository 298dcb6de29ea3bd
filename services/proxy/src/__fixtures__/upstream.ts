/** A real node:http upstream on 127.0.0.1 for the proxy tests, and a proxy in front of it. */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseConfig, type ProxyOptions } from '../config.js';
import { FaultProxy } from '../Proxy.js';

export const ADMIN = 'admin-token-1234';
export const READER = 'reader-token-5678';

export const recommendAnswer = {
  items: Array.from({ length: 10 }, (_, i) => ({ itemId: `i-${i}`, score: 1 - i / 10 })),
  model: 'two-tower',
  modelVersion: 'v1',
  degraded: false,
  replica: 'r1',
};
export const oipAnswer = {
  model_name: 'two-tower',
  model_version: 'v1',
  id: 'req-1',
  outputs: [
    { name: 'item_ids', datatype: 'BYTES', shape: [10], data: Array.from({ length: 10 }, (_, i) => `i-${i}`) },
    { name: 'scores', datatype: 'FP32', shape: [10], data: Array.from({ length: 10 }, (_, i) => 1 - i / 10) },
    { name: 'degraded', datatype: 'BOOL', shape: [1], data: [false] },
  ],
};

export interface Upstream {
  url: string;
  /** TCP connections the upstream accepted so far. */
  connections: () => number;
  /** Requests the upstream received so far. */
  requests: () => number;
  close: () => Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const t = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(t), ...headers });
      res.end(t);
    };
    if (url.pathname === '/v1/recommend') {
      req.resume();
      return req.on('end', () => json(200, recommendAnswer));
    }
    if (/^\/v2\/models\/[^/]+\/infer$/.test(url.pathname)) {
      req.resume();
      return req.on('end', () => json(200, oipAnswer));
    }
    if (url.pathname === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      return req.on('end', () => json(200, { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }, { 'x-up': 'yes', 'keep-alive': 'timeout=5', 'x-secret-hop': 'drop-me', connection: 'keep-alive, x-secret-hop' }));
    }
    if (url.pathname === '/stream') {
      // Chunks 100 ms apart: a proxy that buffers delivers the first one only at the end.
      const n = Number(url.searchParams.get('n') ?? 5);
      res.writeHead(200, { 'content-type': 'text/plain' });
      let i = 0;
      const tick = () => {
        res.write(`chunk-${i}\n`);
        if (++i < n) setTimeout(tick, 100);
        else res.end();
      };
      return tick();
    }
    if (url.pathname === '/bytes') {
      const n = Number(url.searchParams.get('n') ?? 1000);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
      return res.end(Buffer.alloc(n, 120));
    }
    if (url.pathname === '/slow') {
      const ms = Number(url.searchParams.get('ms') ?? 1000);
      return setTimeout(() => json(200, { slow: ms }), ms);
    }
    if (url.pathname === '/cut') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 1000 });
      res.write('partial');
      return setTimeout(() => res.socket?.destroy(), 20);
    }
    if (url.pathname === '/reset') {
      // The connection is reset before any answer.
      return req.socket.resetAndDestroy();
    }
    json(404, { error: `no route ${url.pathname}` });
  });
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests: () => requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export async function startProxy(upstream: string, opts: Partial<ProxyOptions> = {}): Promise<FaultProxy> {
  const p = new FaultProxy(parseConfig({ upstream, listen: '127.0.0.1:0', adminToken: ADMIN, readOnlyToken: READER, ...opts }));
  await p.start();
  return p;
}

/** Inject a fault through the HTTP API, as a drill would. */
export async function inject(proxyUrl: string, fault: unknown, token = ADMIN, prefix = '/admin'): Promise<Response> {
  return fetch(`${proxyUrl}${prefix}/faults`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(fault) });
}

/** A raw HTTP/1.1 request over a given agent, so tests see resets and connection reuse. */
export function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: http.Agent } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; socketReused: boolean }> {
  return new Promise((resolve, reject) => {
    const r = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: init.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), socketReused: r.reusedSocket }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(init.body);
  });
}

export async function metricValue(proxyUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${proxyUrl}/admin/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** The JSON body of an answer (typed loosely: tests assert its shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();
