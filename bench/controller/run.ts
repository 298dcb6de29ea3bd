/**
 * Benchmark: the drill controller under its plugins' load while a drill runs.
 *
 *   npm run bench:controller [-- --duration 60 --rate 200 --sse 50 --profile DIR]
 *
 * Starts `drillbook serve` (its own process, embedded reference stack, SQLite), launches a drill
 * (bench-latency: 75 s of load on the stack, a latency fault on one replica) and, from the moment
 * the drill is accepted, for `--duration` seconds sends `--rate` catalogue reads per second (GET /api/v1/services, open model: latency is
 * measured from each request's scheduled send time, so a stalled server cannot hide queueing) while
 * `--sse` clients follow the drill's event stream. An error is a non-200 answer, a failed request,
 * an event stream that drops, skips a sequence number or ends without the drill's `end` event, or
 * a drill that was no longer running when the reads ended.
 *
 * Figures: client-side latency (p50/p95/p99/max), the controller's own server-side latency for the
 * same route (its `drillbook_controller_http_request_duration_seconds` histogram, bucket upper
 * bound), its event-loop lag, and how contended this machine was during the run (load average and
 * Linux CPU pressure: the share of time some task waited for a CPU). The last line is the summary
 * the project's checks read:
 *
 *   RESULT errors=<count> catalogue_p99_ms=<ms> sse_clients=<n> duration_s=<s>
 */
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DrillbookClient, controllerApiBase } from '@drillbook/client';
import type { DrillEvent, ServiceSummary, StartDrillResponse } from '@drillbook/contracts';
import { startControllerProcess } from '../../services/drill-controller/src/server/__fixtures__/controllerProcess.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}: expected a positive number, got ${process.argv[i + 1]}`);
  return v;
}

const DURATION_S = arg('duration', 60);
const RATE = arg('rate', 200);
const SSE = arg('sse', 50);
const PROFILE = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : null;
const TOKEN = 'bench-viewer';
const OPERATOR = 'bench-operator';
const RUNBOOKS = fileURLToPath(new URL('./runbooks', import.meta.url));
const ROUTE = '/api/v1/services';

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function get(agent: http.Agent, base: URL, path: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ agent, host: base.hostname, port: base.port, path, headers: { authorization: `Bearer ${TOKEN}` }, timeout: timeoutMs }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end();
  });
}

interface Reads {
  latencies: number[];
  errors: number;
  statuses: Map<number, number>;
  /** Requests slower than 50 ms, by second of the run. */
  slowBySecond: Map<number, number>;
}

/** Constant-arrival-rate GET /api/v1/services for `durationS`; latency from the scheduled send time. */
async function catalogueReads(baseUrl: string, rate: number, durationS: number): Promise<Reads> {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const r: Reads = { latencies: [], errors: 0, statuses: new Map(), slowBySecond: new Map() };
  const start = performance.now();
  const total = Math.round(rate * durationS);
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inflight.push(
      get(agent, base, ROUTE, 10_000).then((status) => {
        const ms = performance.now() - due;
        r.latencies.push(ms);
        r.statuses.set(status, (r.statuses.get(status) ?? 0) + 1);
        if (status !== 200) r.errors++;
        if (ms > 50) r.slowBySecond.set(Math.floor((due - start) / 1000), (r.slowBySecond.get(Math.floor((due - start) / 1000)) ?? 0) + 1);
      }),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  r.latencies.sort((a, b) => a - b);
  return r;
}

interface Follower {
  events: number;
  ended: boolean;
  error: string | null;
}

/**
 * One SSE follower on the shared client (`@drillbook/client`, as the plugins follow drills): counts
 * events, checks seq has no gap, succeeds on the `end` event. It does not reconnect: a dropped stream
 * is an error here, not something to hide.
 */
function follow(baseUrl: string, drillId: string, signal: AbortSignal): { state: Follower; done: Promise<void> } {
  const state: Follower = { events: 0, ended: false, error: null };
  const client = new DrillbookClient({ baseUrl: controllerApiBase(baseUrl), headers: { authorization: `Bearer ${TOKEN}` }, maxReconnects: 0 });
  let last = 0;
  const done = (async () => {
    try {
      const how = await client.followDrill(drillId, {
        signal,
        onEvent: (e: DrillEvent) => {
          if (e.seq !== last + 1) throw new Error(`event ${e.seq} after ${last}: a gap`);
          last = e.seq;
          state.events++;
          if (e.type === 'end') state.ended = true;
        },
      });
      if (how === 'cancelled' && !state.ended) state.error = 'gave up waiting for the end event';
    } catch (e) {
      if (!state.ended) state.error = (e as Error).message;
    }
  })();
  return { state, done };
}

/** The controller's metrics text. */
const metricsText = async (baseUrl: string) => (await fetch(`${baseUrl}/metrics`)).text();

/** Cumulative bucket counts of the controller's latency histogram for ROUTE. */
function buckets(text: string): Map<number, number> {
  const out = new Map<number, number>();
  const re = new RegExp(`^drillbook_controller_http_request_duration_seconds_bucket\\{le="([^"]+)",method="GET",route="${ROUTE.replace(/\//g, '\\/')}",status="200"\\} (\\S+)$`, 'gm');
  for (const m of text.matchAll(re)) out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return out;
}

/** p99 upper bound (ms) of the requests between two histogram snapshots. */
function serverP99(before: Map<number, number>, after: Map<number, number>): string {
  const les = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (!total) return 'n/a';
  for (const le of les) if ((after.get(le) ?? 0) - (before.get(le) ?? 0) >= 0.99 * total) return le === Infinity ? '>2500' : `<=${le * 1000}`;
  return 'n/a';
}

function lag(text: string): string {
  const v = (name: string) => {
    const m = new RegExp(`^drillbook_controller_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text);
    return m ? (Number(m[1]) * 1000).toFixed(0) : 'n/a';
  };
  return `p50 ${v('p50')} ms, p99 ${v('p99')} ms, max ${v('max')} ms`;
}

/** Linux CPU pressure ("some"): microseconds some task waited for a CPU. */
const cpuPressure = () => (existsSync('/proc/pressure/cpu') ? Number(/some .* total=(\d+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN) : NaN);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-controller-'));
  const config = join(dir, 'controller.yaml');
  writeFileSync(config, `dataDir: ${join(dir, 'data')}\nrunbooks: [${RUNBOOKS}]\nloadEngine: builtin\nembedded: { replicas: 2, shopperRate: 2 }\n`);
  console.log(`controller benchmark: ${RATE} catalogue reads/s and ${SSE} SSE followers for ${DURATION_S} s while a drill runs (embedded stack, SQLite)`);
  const ctl = await startControllerProcess({ config, tokens: `${TOKEN}:viewer,${OPERATOR}:operator`, nodeArgs: PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : [] });
  try {
    console.log(`controller ${ctl.url}`);
    // Wait until the catalogue has live figures, as a plugin would see it.
    for (let i = 0; ; i++) {
      const r = await fetch(`${ctl.url}${ROUTE}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const items = ((await r.json()) as { items: ServiceSummary[] }).items;
      if (items[0]?.replicas.every((x) => x.ready) && items[0].slos.some((s) => s.attainment !== null)) break;
      if (i > 120) throw new Error('the catalogue never showed live figures');
      await sleep(500);
    }
    const started = await fetch(`${ctl.url}/api/v1/drills`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' }, body: JSON.stringify({ runbook: 'bench-latency' }) });
    if (started.status !== 202) throw new Error(`drill not accepted: HTTP ${started.status} ${await started.text()}`);
    const drillId = ((await started.json()) as StartDrillResponse).drill.id;
    console.log(`drill ${drillId} started`);

    const giveUp = new AbortController();
    const followers = Array.from({ length: SSE }, () => follow(ctl.url, drillId, giveUp.signal));
    // The read window starts as soon as the drill is accepted: its preflight, warm-up, load, fault
    // and (with --duration above ~70 s) its scorecard all happen inside it.
    const before = buckets(await metricsText(ctl.url));
    const cpu0 = process.cpuUsage();
    const psi0 = cpuPressure();
    const t0 = performance.now();
    const reads = await catalogueReads(ctl.url, RATE, DURATION_S);
    const wall = (performance.now() - t0) / 1000;
    const psi = (cpuPressure() - psi0) / 1e6 / wall;
    const cpu = process.cpuUsage(cpu0);
    const load = loadavg()[0];
    const after = await metricsText(ctl.url);
    const stillRunning = (await (await fetch(`${ctl.url}/api/v1/drills/${drillId}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { state: string };
    // Followers must see the drill to its end.
    const timer = setTimeout(() => giveUp.abort(), 180_000);
    await Promise.all(followers.map((f) => f.done));
    clearTimeout(timer);
    const sseErrors = followers.filter((f) => f.state.error);
    const l = reads.latencies;
    const worst = [...reads.slowBySecond].sort((a, b) => b[1] - a[1]).slice(0, 5);
    console.log(`machine during the reads: load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} cores, CPU pressure ${Number.isNaN(psi) ? 'n/a' : `${(psi * 100).toFixed(0)}% (some task waiting for a CPU)`}`);
    console.log(`catalogue reads: ${l.length} in ${wall.toFixed(1)} s (${(l.length / wall).toFixed(1)}/s), errors ${reads.errors} (statuses ${[...reads.statuses].map(([s, n]) => `${s}:${n}`).join(' ')})`);
    console.log(`catalogue latency, client side from scheduled send: p50 ${percentile(l, 50).toFixed(1)} ms, p95 ${percentile(l, 95).toFixed(1)} ms, p99 ${percentile(l, 99).toFixed(1)} ms, max ${l[l.length - 1].toFixed(1)} ms`);
    console.log(`catalogue latency, controller side (histogram): p99 ${serverP99(before, buckets(after))} ms; controller event-loop lag during the reads: ${lag(after)}`);
    console.log(`seconds with most reads over 50 ms: ${worst.map(([s, n]) => `t+${s}s:${n}`).join(' ') || 'none'}`);
    console.log(`drill state when the reads ended: ${stillRunning.state} (reads ran while it was running: ${stillRunning.state === 'running' ? 'yes' : 'NO'})`);
    console.log(`SSE followers: ${SSE}, reached the end event: ${followers.filter((f) => f.state.ended).length}, events each: ${Math.min(...followers.map((f) => f.state.events))}..${Math.max(...followers.map((f) => f.state.events))}`);
    for (const f of sseErrors.slice(0, 5)) console.log(`  follower error: ${f.state.error}`);
    console.log(`load generator CPU: ${((cpu.user + cpu.system) / 1e6 / wall).toFixed(2)} cores (this process, not the controller)`);
    const errors = reads.errors + sseErrors.length + (stillRunning.state === 'running' ? 0 : 1);
    console.log(`RESULT errors=${errors} catalogue_p99_ms=${percentile(l, 99).toFixed(1)} sse_clients=${SSE} duration_s=${DURATION_S}`);
  } finally {
    await ctl.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench:controller failed: ${(e as Error).stack}`);
  process.exit(1);
});
