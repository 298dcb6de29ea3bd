/**
 * Minimal HTTP load clients for the benchmarks: a closed loop (N requests always in flight: finds
 * saturation throughput) and an open loop (constant arrival rate, latency measured from the
 * scheduled send time so a stalled server cannot hide queueing). Keep-alive raw sockets (a minimal
 * HTTP/1.1 client, cheap on CPU like wrk), 127.0.0.1 only.
 */
import net from 'node:net';

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

interface Outcome {
  ok: boolean;
  degraded: boolean;
  /**
   * A reused keep-alive connection failed before any byte of the answer: the server had closed it
   * while idle and the request crossed its close (the race every keep-alive client has). The server
   * never read the request, so the pool sends it again on a new connection.
   */
  lost?: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const DEGRADED = Buffer.from('"degraded":true');

/**
 * One keep-alive connection speaking just enough HTTP/1.1 for these benchmarks: one request at a
 * time, answers framed by content-length (the services always send one). Written against a raw
 * socket, as wrk and autocannon are, because node's http client costs ~100 us of CPU per request
 * and on a 2-core machine that CPU is taken from the server being measured.
 */
class Conn {
  readonly sock: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  private pending?: { resolve: (o: Outcome) => void; timer: NodeJS.Timeout; reused: boolean; answered: boolean };
  /** Requests this connection has answered (0: fresh). */
  private served = 0;
  dead = false;

  constructor(host: string, port: number, private readonly onDone: (c: Conn) => void) {
    this.sock = net.connect({ host, port, noDelay: true });
    this.sock.on('data', (d) => this.onData(d));
    this.sock.on('error', () => this.fail());
    this.sock.on('close', () => this.fail());
  }

  send(head: string, body: string, timeoutMs: number, resolve: (o: Outcome) => void): void {
    if (this.dead) return resolve({ ok: false, degraded: false, lost: this.served > 0 });
    this.pending = { resolve, timer: setTimeout(() => this.fail(true), timeoutMs), reused: this.served > 0, answered: false };
    this.sock.write(head + body);
  }

  private settle(o: Outcome): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(o);
  }

  /** The connection is unusable (error, close, timeout, unframed answer): what was in flight failed. */
  private fail(timedOut = false): void {
    const p = this.pending;
    this.settle({ ok: false, degraded: false, lost: !timedOut && !!p && p.reused && !p.answered });
    if (this.dead) return;
    this.dead = true;
    this.sock.destroy();
    this.onDone(this);
  }

  private onData(d: Buffer): void {
    if (this.pending) this.pending.answered = true;
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const he = this.buf.indexOf(HEADER_END);
    if (he < 0) return;
    const head = this.buf.toString('latin1', 0, he).toLowerCase();
    const m = /\r\ncontent-length: *(\d+)/.exec(head);
    if (!m) return this.fail(); // chunked or close-delimited answers are not expected here
    const end = he + 4 + Number(m[1]);
    if (this.buf.length < end) return;
    const status = Number(head.slice(9, 12));
    const body = this.buf.subarray(he + 4, end);
    this.buf = this.buf.subarray(end);
    const closing = /\r\nconnection: *close/.test(head);
    this.served++;
    this.settle({ ok: status === 200, degraded: status === 200 && body.includes(DEGRADED) });
    if (closing) return this.fail();
    this.onDone(this);
  }
}

/** Up to `maxConns` keep-alive connections; requests beyond them wait for a free one. */
class Pool {
  private readonly idle: Conn[] = [];
  private readonly all = new Set<Conn>();
  private readonly waiting: Array<() => void> = [];
  private readonly host: string;
  private readonly port: number;

  constructor(base: URL, private readonly maxConns: number) {
    this.host = base.hostname;
    this.port = Number(base.port);
  }

  private release = (c: Conn): void => {
    if (c.dead) this.all.delete(c);
    else this.idle.push(c);
    const w = this.waiting.shift();
    if (w) w();
  };

  request(spec: RequestSpec, timeoutMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      let retried = false;
      const done = (o: Outcome) => {
        if (o.lost && !retried) {
          retried = true; // once, on a new connection: the server never read it
          return go(true);
        }
        resolve({ ok: o.ok, degraded: o.degraded });
      };
      const go = (fresh = false) => {
        let c = fresh ? undefined : this.idle.pop();
        while (c?.dead) c = this.idle.pop(); // closed by the server while idle (keep-alive timeout)
        if (!c) {
          // Full: wait for any connection, as a first try does (waiting for a fresh one could wait forever).
          if (this.all.size >= this.maxConns) return void this.waiting.push(() => go());
          c = new Conn(this.host, this.port, this.release);
          this.all.add(c);
        }
        let extra = '';
        for (const [k, v] of Object.entries(spec.headers ?? {})) extra += `${k}: ${v}\r\n`;
        const head = `POST ${spec.path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(spec.body)}\r\n${extra}\r\n`;
        c.send(head, spec.body, timeoutMs, done);
      };
      go();
    });
  }

  destroy(): void {
    for (const c of this.all) c.sock.destroy();
    this.all.clear();
    this.idle.length = 0;
  }
}

/** N requests always in flight for `durationS`. */
export async function closedLoop(baseUrl: string, next: () => RequestSpec, concurrency: number, durationS: number): Promise<LoadStats> {
  const base = new URL(baseUrl);
  const pool = new Pool(base, concurrency);
  const lat: number[] = [];
  let errors = 0;
  let degraded = 0;
  const end = performance.now() + durationS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const r = await pool.request(next(), 5000);
        if (r.ok) lat.push(performance.now() - t0);
        else errors++;
        if (r.degraded) degraded++;
      }
    }),
  );
  pool.destroy();
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
  const pool = new Pool(base, 512);
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
      pool.request(next(), 5000).then((r) => {
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
  pool.destroy();
  return stats(lat, errors, degraded, durationS);
}
