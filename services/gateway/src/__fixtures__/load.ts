/**
 * A small open-model load driver for tests: sends `POST /v1/recommend` at a fixed rate
 * (arrivals do not wait for answers) and records every outcome, so a test can count what a
 * client would have seen.
 */
import http from 'node:http';
import { relevantItemsFor } from './standIn.js';

export interface Outcome {
  /** HTTP status, or 0 when the request itself failed (connection error, client timeout). */
  status: number;
  degraded: boolean;
  replica: string | null;
  error?: string;
}

export interface LoadRun {
  /** Resolves when every request sent has settled. */
  done: Promise<Outcome[]>;
  /** Stops sending new requests. */
  stop(): void;
  sent(): number;
}

export interface LoadOptions {
  url: string;
  rps: number;
  /** Stop after this many requests (default: until `stop()`). */
  total?: number;
  synthetic?: boolean;
  /** Send `x-ground-truth` with the stand-in's relevant items. */
  groundTruth?: boolean;
  /** Client-side timeout per request (the gateway's deadline is shorter). */
  timeoutMs?: number;
}

export function startLoad(options: LoadOptions): LoadRun {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL('/v1/recommend', options.url);
  const pending: Promise<Outcome>[] = [];
  const intervalMs = 1000 / options.rps;
  const startedAt = performance.now();
  let sent = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));

  const fire = () => {
    const userId = `u-${sent % 997}`;
    sent += 1;
    pending.push(send(agent, target, userId, options));
  };
  const tick = () => {
    if (stopped) return;
    // Catch up on every arrival due by now, so a slow event loop does not lower the rate.
    const due = Math.floor((performance.now() - startedAt) / intervalMs) + 1;
    while (sent < due && !(options.total !== undefined && sent >= options.total)) fire();
    if (options.total !== undefined && sent >= options.total) {
      stopped = true;
      finish();
      return;
    }
    timer = setTimeout(tick, Math.max(1, intervalMs / 2));
  };
  tick();
  return {
    sent: () => sent,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      finish();
    },
    done: finished.then(async () => {
      const outcomes = await Promise.all(pending);
      agent.destroy();
      return outcomes;
    }),
  };
}

function send(agent: http.Agent, target: URL, userId: string, options: LoadOptions): Promise<Outcome> {
  const body = JSON.stringify({ userId, k: 10 });
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (options.synthetic !== false) headers['x-synthetic'] = 'true';
  if (options.groundTruth) headers['x-ground-truth'] = relevantItemsFor(userId).join(',');
  return new Promise((resolve) => {
    const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => resolve({ status: 0, degraded: false, replica: null, error: err.message }));
      res.on('end', () => {
        let degraded = false;
        try {
          degraded = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { degraded?: boolean }).degraded === true;
        } catch {
          degraded = false;
        }
        resolve({ status: res.statusCode ?? 0, degraded, replica: (res.headers['x-drillbook-replica'] as string | undefined) ?? null });
      });
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error('client timeout')));
    req.on('error', (err) => resolve({ status: 0, degraded: false, replica: null, error: err.message }));
    req.end(body);
  });
}

/** One request, awaited. */
export async function recommendOnce(url: string, headers: Record<string, string> = {}, body: unknown = { userId: 'u-1', k: 5 }): Promise<{ status: number; body: Record<string, unknown>; headers: http.IncomingHttpHeaders }> {
  const res = await fetch(new URL('/v1/recommend', url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  const out: http.IncomingHttpHeaders = {};
  res.headers.forEach((v, k) => (out[k] = v));
  return { status: res.status, body: parsed, headers: out };
}
