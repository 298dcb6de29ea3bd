/**
 * Minimal HTTP load clients for the benchmarks: a closed loop (N requests always in flight: finds
 * saturation throughput) and an open loop (constant arrival rate, latency measured from the
 * scheduled send time so a stalled server cannot hide queueing). Keep-alive sockets, 127.0.0.1 only.
 */
import http from 'node:http';

export interface RequestSpec {
  path: string;
  body: string;
  headers?: Record<string, string>;
}

export interface LoadStats {
  requests: number;
  errors: number;
  degraded: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  latenciesMs: number[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function stats(lat: number[], errors: number, degraded: number, durationS: number): LoadStats {
  lat.sort((a, b) => a - b);
  return {
    requests: lat.length,
    errors,
    degraded,
    durationS,
    rps: lat.length / durationS,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    latenciesMs: lat,
  };
}

function send(agent: http.Agent, base: URL, spec: RequestSpec, timeoutMs: number): Promise<{ ok: boolean; degraded: boolean }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: spec.path,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(spec.body), ...spec.headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ok = res.statusCode === 200;
          resolve({ ok, degraded: ok && Buffer.concat(chunks).includes('"degraded":true') });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ok: false, degraded: false }));
    req.end(spec.body);
  });
}

/** N requests always in flight for `durationS`. */
export async function closedLoop(baseUrl: string, next: () => RequestSpec, concurrency: number, durationS: number): Promise<LoadStats> {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const lat: number[] = [];
  let errors = 0;
  let degraded = 0;
  const end = performance.now() + durationS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const r = await send(agent, base, next(), 5000);
        if (r.ok) lat.push(performance.now() - t0);
        else errors++;
        if (r.degraded) degraded++;
      }
    }),
  );
  agent.destroy();
  return stats(lat, errors, degraded, (performance.now() - started) / 1000);
}

export interface Sample {
  /** Scheduled send time, ms since the loop started. */
  t: number;
  ms: number;
  ok: boolean;
}

/** Constant arrival rate; latency from the scheduled send time. `onSample` sees every request. */
export async function openLoop(baseUrl: string, next: () => RequestSpec, rate: number, durationS: number, onSample?: (s: Sample) => void): Promise<LoadStats> {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const lat: number[] = [];
  let errors = 0;
  let degraded = 0;
  const total = Math.floor(rate * durationS);
  const interval = 1000 / rate;
  const start = performance.now() + 20;
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      send(agent, base, next(), 5000).then((r) => {
        const ms = performance.now() - scheduled;
        if (r.ok) lat.push(ms);
        else errors++;
        if (r.degraded) degraded++;
        onSample?.({ t: scheduled - start, ms, ok: r.ok });
      }),
    );
    if (inflight.length > 4096) await Promise.all(inflight.splice(0, 2048));
  }
  await Promise.all(inflight);
  agent.destroy();
  return stats(lat, errors, degraded, durationS);
}
