/**
 * One attempt against one upstream over the shared keep-alive agent, bounded by a timeout.
 * Resolves with any HTTP answer (the caller classifies 5xx); rejects with an `UpstreamError`
 * for a connection error or a timeout.
 */
import http from 'node:http';
import { UpstreamError } from '../errors.js';
import type { Upstream } from '../health/Upstream.js';

export interface AttemptRequest {
  method: string;
  path: string;
  headers: http.OutgoingHttpHeaders;
  body: Buffer | null;
}

export interface AttemptResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Runs `fn` after the I/O that is already waiting has been handled. Timers run before I/O in
 * Node's event loop, so when the gateway itself was stalled (a busy machine), a timeout can
 * fire while the answer sits unread in the socket; deferring the verdict by one `setImmediate`
 * lets that answer win, and the timeout only counts time the upstream really took.
 */
export function afterPendingIo(fn: () => void): void {
  setImmediate(fn);
}

export function sendAttempt(agent: http.Agent, u: Upstream, request: AttemptRequest, timeoutMs: number): Promise<AttemptResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: UpstreamError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    };
    const req = http.request(
      { agent, host: u.host, port: u.port, method: request.method, path: request.path, headers: request.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err: NodeJS.ErrnoException) =>
          fail(new UpstreamError(u.id, 'connect_error', `response interrupted: ${err.code ?? err.message}`, { cause: err, code: err.code })),
        );
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 502, headers: res.headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) });
        });
      },
    );
    const timer = setTimeout(
      () =>
        afterPendingIo(() => {
          if (settled) return;
          fail(new UpstreamError(u.id, 'timeout', `no answer within ${timeoutMs} ms`));
          req.destroy();
        }),
      timeoutMs,
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      fail(new UpstreamError(u.id, 'connect_error', `request failed: ${err.code ?? err.message}`, { cause: err, code: err.code }));
    });
    req.end(request.body ?? undefined);
  });
}
