/**
 * Benchmark: what does the fault proxy (`drillbook proxy`, no fault active) cost in front of a
 * service? The same upstream (a fixed-latency /v1/recommend stand-in, its own process) is called
 * directly and through the proxy (its own process), side by side in one run:
 *
 *   npm run bench:proxy [-- --rate 1000 --duration 30 --saturation 10 --concurrency 32 --latency-ms 1 --warmup 5]
 *
 * Each path is first warmed up for `--warmup` seconds at the measured rate (three paths: 15 s by default).
 *
 * 1. open model: the same constant arrival rate on every path, 5-s slices taking turns (direct,
 *    proxy, relay, direct, ...) so all see the same machine noise; latency from the scheduled send
 *    time; p50/p99 per path and the p99 the proxy adds.
 * 2. saturation: a closed loop (`--concurrency` requests always in flight) on each path, again in
 *    turns; throughput per path and their ratio.
 * Beside them, a third path: a bare TCP relay (`relay.mjs`, its own process: bytes piped both ways,
 * no HTTP), measured the same way. It is the floor of any userland proxy on this machine, so the
 * proxy's figures can be read against what the extra hop alone costs here.
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
const WARMUP_S = arg('warmup', 5);
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

type PathName = 'direct' | 'proxy' | 'relay';
const PATHS: PathName[] = ['direct', 'proxy', 'relay'];

async function main(): Promise<void> {
  const upstream = await start([fileURLToPath(new URL('./upstream.mjs', import.meta.url))], { LATENCY_MS: String(LATENCY_MS) }, 'upstream');
  const proxy = await start(['--import', 'tsx', 'services/proxy/src/main.ts', '--upstream', upstream.url, '--listen', '127.0.0.1:0', '--admin-token', 'bench-admin-token'], {}, 'proxy');
  const relay = await start([fileURLToPath(new URL('./relay.mjs', import.meta.url))], { UPSTREAM: upstream.url }, 'relay');
  const paths: Record<PathName, string> = { direct: upstream.url, proxy: proxy.url, relay: relay.url };
  const hop: Record<Exclude<PathName, 'direct'>, ChildProcess> = { proxy: proxy.child, relay: relay.child };
  try {
    console.log(`proxy benchmark · ${cpus().length} CPUs · load average ${loadavg()[0].toFixed(1)} · upstream ${upstream.url} (fixed ${LATENCY_MS} ms) · proxy ${proxy.url} · bare TCP relay ${relay.url}`);
    // Warm-up at the measured rate: JIT, keep-alive pools, and each process's start-up transients
    // (the first old-space collections, and the memory reducer of tsx's loader thread, which ran
    // 5-19 ms collections 8-10 s after the proxy started), so that the slices measure steady state.
    for (const url of Object.values(paths)) await openLoop(url, next, RATE, WARMUP_S);

    const open = { direct: side(), proxy: side(), relay: side() };
    const rounds = Math.max(1, Math.round(DURATION_S / SLICE_S / 2));
    for (let i = 0; i < rounds; i++) for (const which of PATHS) add(open[which], await openLoop(paths[which], next, RATE, SLICE_S));
    const sat = { direct: side(), proxy: side(), relay: side() };
    const satRounds = Math.max(1, Math.round(SATURATION_S / SLICE_S));
    // CPU the hop (proxy or relay) and the upstream spend per request, over that hop's saturation
    // slices: a figure that does not depend on how busy the rest of the machine is.
    const cpu = { proxy: { hop: 0, upstream: 0 }, relay: { hop: 0, upstream: 0 } };
    for (let i = 0; i < satRounds; i++) {
      for (const which of PATHS) {
        const h0 = which === 'direct' ? 0 : cpuMs(hop[which].pid);
        const u0 = cpuMs(upstream.child.pid);
        add(sat[which], await closedLoop(paths[which], next, CONCURRENCY, SLICE_S));
        if (which !== 'direct') {
          cpu[which].hop += cpuMs(hop[which].pid) - h0;
          cpu[which].upstream += cpuMs(upstream.child.pid) - u0;
        }
      }
    }

    const q = (s: Side, p: number) => percentile([...s.lat].sort((a, b) => a - b), p);
    console.log(`\nopen model, ${RATE} req/s on each path, ${rounds} round(s) of ${SLICE_S}-s slices taking turns (direct, proxy, relay):`);
    for (const k of PATHS) {
      const s = open[k];
      console.log(`  ${k.padEnd(6)}  requests ${s.requests}  errors ${s.errors}  achieved ${f(s.requests / s.seconds, 0)} req/s  p50 ${f(q(s, 50), 3)} ms  p99 ${f(q(s, 99), 3)} ms  p99.9 ${f(q(s, 99.9), 3)} ms`);
    }
    const addedP50 = q(open.proxy, 50) - q(open.direct, 50);
    const addedP99 = q(open.proxy, 99) - q(open.direct, 99);
    console.log(`  added by the proxy: p50 ${f(addedP50, 3)} ms, p99 ${f(addedP99, 3)} ms (target < 1 ms)`);
    console.log(`  added by the bare relay (the floor): p50 ${f(q(open.relay, 50) - q(open.direct, 50), 3)} ms, p99 ${f(q(open.relay, 99) - q(open.direct, 99), 3)} ms`);
    console.log(`\nsaturation, ${CONCURRENCY} requests in flight, ${satRounds} round(s) of ${SLICE_S}-s slices taking turns:`);
    for (const k of PATHS) {
      const s = sat[k];
      console.log(`  ${k.padEnd(6)}  requests ${s.requests}  errors ${s.errors}  throughput ${f(s.requests / s.seconds, 0)} req/s  p50 ${f(q(s, 50), 3)} ms  p99 ${f(q(s, 99), 3)} ms`);
    }
    const rps = (s: Side) => s.requests / s.seconds;
    const ratio = rps(sat.proxy) / rps(sat.direct);
    console.log(`  proxy / direct throughput: ${f(ratio, 3)} (target >= 0.8); bare relay / direct: ${f(rps(sat.relay) / rps(sat.direct), 3)} (the floor: no HTTP work at all)`);
    for (const k of ['proxy', 'relay'] as const) {
      console.log(`  CPU per ${k === 'proxy' ? 'proxied' : 'relayed'} request: ${k} ${f((cpu[k].hop * 1000) / sat[k].requests, 0)} us, upstream ${f((cpu[k].upstream * 1000) / sat[k].requests, 0)} us`);
    }
    console.log(`  load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs`);
    if (open.direct.errors + open.proxy.errors + open.relay.errors > 0) console.log(`  note: ${open.direct.errors + open.proxy.errors + open.relay.errors} open-model requests failed`);
    console.log(`RESULT added_p99_ms=${f(addedP99, 3)} throughput_ratio=${f(ratio, 3)} rps=${RATE}`);
  } finally {
    for (const p of [relay, proxy, upstream]) p.child.kill('SIGTERM');
  }
}

await main();
