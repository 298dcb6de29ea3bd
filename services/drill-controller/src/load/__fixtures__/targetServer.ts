/**
 * A stand-in recommend target for the load engine's tests: a real HTTP server on 127.0.0.1:0 whose
 * answer per request is decided by a small behaviour function, recording what it received.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export type Answer =
  | { status: number; degraded?: boolean; items?: string[]; delayMs?: number }
  | { hang: true };

export interface TargetServer {
  url: string;
  received: Received[];
  readyStatus: number;
  close(): Promise<void>;
}

export async function startTarget(answer: (body: { userId: string; query: string; k: number }, n: number) => Answer = () => ({ status: 200 })): Promise<TargetServer> {
  const received: Received[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const state = { readyStatus: 200 };
  let n = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/readyz') {
      res.writeHead(state.readyStatus);
      res.end(JSON.stringify({ ready: state.readyStatus === 200 }));
      return;
    }
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = JSON.parse(text);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const a = answer(body, n++);
      if ('hang' in a) return; // never answers: the client's deadline decides
      const send = () => {
        if (a.status < 200 || a.status >= 300) {
          res.writeHead(a.status, { 'content-type': 'application/json' });
          res.end('{"error":"injected"}');
          return;
        }
        const items = (a.items ?? ['i-1', 'i-2', 'i-3']).map((itemId, i) => ({ itemId, score: 1 - i / 10 }));
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items, model: 'two-tower', modelVersion: 'v1', degraded: a.degraded === true, replica: 'r-1' }));
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get readyStatus() {
      return state.readyStatus;
    },
    set readyStatus(v: number) {
      state.readyStatus = v;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
