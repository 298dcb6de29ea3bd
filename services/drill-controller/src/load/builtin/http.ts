/** The HTTP side of the built-in engine: a keep-alive agent, one POST, and k6-style error codes. */
import http from 'node:http';
import https from 'node:https';

export type Transport = typeof http | typeof https;

export function transportFor(url: URL): Transport {
  return url.protocol === 'https:' ? https : http;
}

export function keepAliveAgent(url: URL, maxSockets: number): http.Agent {
  const Agent = url.protocol === 'https:' ? https.Agent : http.Agent;
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
}

export class RequestTimeout extends Error {
  override name = 'RequestTimeout';
  readonly code = 'DRILLBOOK_TIMEOUT';
}

/** k6's error codes for the failures a drill sees (k6 docs, "Error codes"). */
export function k6ErrorCode(err: unknown): string {
  const code = (err as { code?: string })?.code;
  if (err instanceof RequestTimeout) return '1050';
  if (code === 'ECONNREFUSED') return '1212';
  if (code === 'ECONNRESET' || code === 'EPIPE') return '1220';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return '1100';
  return '1000';
}

export interface ReadinessResult {
  ok: boolean;
  error?: string;
}

/** GET `path` of the target; 200 within `timeoutMs` means ready (what the k6 scripts' setup() checks). */
export function checkReady(base: URL, path: string, timeoutMs: number): Promise<ReadinessResult> {
  // Relative to the base URL's path, as the k6 scripts do (`${BASE_URL}/readyz`).
  const url = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
  return new Promise((resolve) => {
    const req = transportFor(url).get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode === 200 ? { ok: true } : { ok: false, error: `target not ready: GET ${url.href} -> HTTP ${res.statusCode}` });
      });
    });
    req.on('timeout', () => req.destroy(new RequestTimeout(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ ok: false, error: `target not ready: GET ${url.href} -> ${e.message}` }));
  });
}
