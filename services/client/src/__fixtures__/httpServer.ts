import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: RecordedRequest[];
  close: () => Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (port 0) whose `handler` answers each request; records them all. */
export async function startTestServer(handler: (req: RecordedRequest, res: ServerResponse, n: number) => void): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
      requests.push(recorded);
      handler(recorded, res, requests.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port that was just released). */
export async function closedPortUrl(): Promise<string> {
  const server = await startTestServer((_req, res) => res.end());
  await server.close();
  return server.url;
}

export function json(res: ServerResponse, status: number, body: unknown, statusText?: string): void {
  res.writeHead(status, statusText ?? '', { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** One SSE message the way the controller writes it (`id:` = seq). */
export function sseEvent(seq: number, type = 'log', extra: Record<string, unknown> = {}): string {
  return `id: ${seq}\ndata: ${JSON.stringify({ seq, drillId: 'drl_1', at: '2025-11-20T10:00:00Z', type, message: `event ${seq}`, ...extra })}\n\n`;
}

export function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}
