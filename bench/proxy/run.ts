/**
 * Benchmark: what does the fault proxy (`drillbook proxy`, no fault active) cost in front of a
 * service? The same upstream (a fixed-latency /v1/recommend stand-in, its own process) is called
 * directly and through the proxy (its own process), side by side in one run:
 *
 *   npm run bench:proxy [-- --rate 1000 --duration 30 --saturation 10 --concurrency 32 --latency-ms 1]
 *
 * 1. open model: the same constant arrival rate on both paths, alternating 5-s slices (direct,
 *    proxy, direct, ...) so both see the same machine noise; latency from the scheduled send time;
 *    p50/p99 per path and the p99 the proxy adds.
 * 2. saturation: a closed loop (`--concurrency` requests always in flight) on each path, again in
 *    alternating slices; throughput per path and their ratio.
 * Targets (issue 15): added p99 < 1 ms at 1,000 req/s; proxy throughput >= 0.8 of direct.
 * The last line is `RESULT added_p99_ms=<ms> throughput_ratio=<ratio> rps=<rate>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { closedLoop, openLoop, percentile, type LoadStats, type RequestSpec } from '../lib/http-load.js';
import { REPO } from '../lib/procs.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name}: expected a non-negative number, got ${process.argv[i + 1]}`);
  return v;
}

const RATE = arg('rate', 1000);
const DURATION_S = arg('duration', 30);
const SATURATION_S = arg('saturation', 10);
const CONCURRENCY = arg('concurrency', 32);
const LATENCY_MS = arg('latency-ms', 1);
const SLICE_S = 5;

function start(args: string[], env: Record<string, string>, name: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening\n${err}`)));
  });
}

const spec: RequestSpec = { path: '/v1/recommend', body: JSON.stringify({ userId: 'u-1', k: 10 }), headers: { 'content-type': 'application/json' } };
const next = () => spec;
const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

interface Side {
  lat: number[];
  requests: number;
  errors: number;
  seconds: number;
}
/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

const side = (): Side => ({ lat: [], requests: 0, errors: 0, seconds: 0 });
const add = (s: Side, r: LoadStats) => {
  s.lat.push(...r.latenciesMs);
  s.requests += r.requests;
  s.errors += r.errors;
  s.seconds += r.durationS;
};

async function main(): Promise<void> {
  const upstream = await start([fileURLToPath(new URL('./upstream.mjs', import.meta.url))], { LATENCY_MS: String(LATENCY_MS) }, 'upstream');
  const proxy = await start(['--import', 'tsx', 'services/proxy/src/main.ts', '--upstream', upstream.url, '--listen', '127.0.0.1:0', '--admin-token', 'bench-admin-token'], {}, 'proxy');
  const paths = { direct: upstream.url, proxy: proxy.url };
  try {
    console.log(`proxy benchmark · ${cpus().length} CPUs · upstream ${upstream.url} (fixed ${LATENCY_MS} ms) · proxy ${proxy.url}`);
    // Warm-up: JIT, keep-alive pools.
    for (const url of Object.values(paths)) await openLoop(url, next, Math.min(RATE, 500), 2);

    const open = { direct: side(), proxy: side() };
    const slices = Math.max(2, Math.round(DURATION_S / SLICE_S));
    for (let i = 0; i < slices; i++) {
      const which = i % 2 === 0 ? 'direct' : 'proxy';
      add(open[which], await openLoop(paths[which], next, RATE, SLICE_S));
    }
    const sat = { direct: side(), proxy: side() };
    const satSlices = Math.max(2, Math.round((2 * SATURATION_S) / SLICE_S));
    // CPU the proxy and the upstream spend per request, over the proxy's saturation slices: a
    // figure that does not depend on how busy the rest of the machine is.
    let proxyCpu = 0;
    let upstreamCpu = 0;
    for (let i = 0; i < satSlices; i++) {
      const which = i % 2 === 0 ? 'direct' : 'proxy';
      const p0 = cpuMs(proxy.child.pid);
      const u0 = cpuMs(upstream.child.pid);
      add(sat[which], await closedLoop(paths[which], next, CONCURRENCY, SLICE_S));
      if (which === 'proxy') {
        proxyCpu += cpuMs(proxy.child.pid) - p0;
        upstreamCpu += cpuMs(upstream.child.pid) - u0;
      }
    }

    const q = (s: Side, p: number) => percentile([...s.lat].sort((a, b) => a - b), p);
    console.log(`\nopen model, ${RATE} req/s on each path, ${slices} alternating ${SLICE_S}-s slices:`);
    for (const k of ['direct', 'proxy'] as const) {
      const s = open[k];
      console.log(`  ${k.padEnd(6)}  requests ${s.requests}  errors ${s.errors}  achieved ${f(s.requests / s.seconds, 0)} req/s  p50 ${f(q(s, 50), 3)} ms  p99 ${f(q(s, 99), 3)} ms  p99.9 ${f(q(s, 99.9), 3)} ms`);
    }
    const addedP50 = q(open.proxy, 50) - q(open.direct, 50);
    const addedP99 = q(open.proxy, 99) - q(open.direct, 99);
    console.log(`  added by the proxy: p50 ${f(addedP50, 3)} ms, p99 ${f(addedP99, 3)} ms (target < 1 ms)`);
    console.log(`\nsaturation, ${CONCURRENCY} requests in flight, ${satSlices} alternating ${SLICE_S}-s slices:`);
    for (const k of ['direct', 'proxy'] as const) {
      const s = sat[k];
      console.log(`  ${k.padEnd(6)}  requests ${s.requests}  errors ${s.errors}  throughput ${f(s.requests / s.seconds, 0)} req/s  p50 ${f(q(s, 50), 3)} ms  p99 ${f(q(s, 99), 3)} ms`);
    }
    const ratio = sat.proxy.requests / sat.proxy.seconds / (sat.direct.requests / sat.direct.seconds);
    console.log(`  proxy / direct throughput: ${f(ratio, 3)} (target >= 0.8)`);
    console.log(`  CPU per proxied request: proxy ${f((proxyCpu * 1000) / sat.proxy.requests, 0)} us, upstream ${f((upstreamCpu * 1000) / sat.proxy.requests, 0)} us (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`);
    if (open.direct.errors + open.proxy.errors > 0) console.log(`  note: ${open.direct.errors + open.proxy.errors} open-model requests failed`);
    console.log(`RESULT added_p99_ms=${f(addedP99, 3)} throughput_ratio=${f(ratio, 3)} rps=${RATE}`);
  } finally {
    for (const p of [proxy, upstream]) p.child.kill('SIGTERM');
  }
}

await main();
