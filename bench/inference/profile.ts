/**
 * Where each request's CPU goes in the reference replica at saturation (issue 22, item 1). Not a
 * test: it starts one replica (batching on, the 100k-item benchmark model) under V8's sampling CPU
 * profiler (`node --cpu-prof`: one profile per thread, the main thread and the onnxruntime worker),
 * drives it with the closed-loop raw-socket client for `--seconds`, stops it, and splits every
 * thread's samples into stages by the function each sample landed in (self time): HTTP parsing,
 * request JSON parse and validation, the handler, batching, the hop to the worker, onnxruntime,
 * response encoding, the socket write, metrics, tracing, logging, GC. The load client's own CPU
 * share is measured beside it (the client runs in this process).
 *
 *   npm run bench:inference:profile [-- --items 100000 --seconds 15 --concurrency 64 --oip-rows 0]
 *
 * `--oip-rows N` (N >= 1) sends OIP inference requests of N users each instead of `/v1/recommend`
 * (the requests in flight stay `--concurrency`, so N x that many queries) and prints the CPU per query.
 *
 * Ends with `RESULT requests=<n> rps=<rate> main_us_per_request=<us> replica_us_per_request=<us> client_cores=<c>`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadSessionsFile } from '@drillbook/contracts';
import { closedLoop, type RequestSpec } from '../lib/http-load.js';
import { startTs, waitReady } from '../lib/procs.js';
import { benchModel } from './model.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    users: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '64' },
    'oip-rows': { type: 'string', default: '0' },
    keep: { type: 'boolean', default: false },
  },
});
const items = Number(values.items);
const users = Number(values.users);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const oipRows = Number(values['oip-rows']);
for (const [name, v, min] of [['items', items, 1000], ['users', users, 1], ['seconds', seconds, 1], ['concurrency', concurrency, 1], ['oip-rows', oipRows, 0]] as const) {
  if (!Number.isInteger(v) || v < min) {
    process.stderr.write(`bench:inference:profile: --${name} must be an integer >= ${min}, got ${JSON.stringify(values[name])}\n`);
    process.exit(2);
  }
}
const say = (s: string) => process.stdout.write(s + '\n');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The stage a sample's own function belongs to, from its script and name. Order matters: first match wins. */
const STAGES: Array<[string, (fn: string, url: string) => boolean]> = [
  ['idle', (fn) => fn === '(idle)'],
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  ['module loading, start-up', (_fn, url) => url.includes('/tsx/') || url.includes('internal/modules') || url.includes('internal/bootstrap') || url.includes('cjs-module-lexer')],
  ['onnxruntime (binding + session.run on the worker)', (_fn, url) => url.includes('onnxruntime')],
  ['hop to/from the worker', (fn, url) => url.includes('ortWorker') || url.includes('serving/session') || url.includes('internal/worker') || url.includes('worker_threads') || /postMessage|MessagePort|onmessage|structuredClone/i.test(fn)],
  ['batching', (_fn, url) => url.includes('serving/batcher')],
  ['features + ranking glue', (_fn, url) => url.includes('serving/featureStore') || url.includes('serving/recommender') || url.includes('serving/modelHost')],
  ['metrics (prom-client)', (_fn, url) => url.includes('prom-client') || url.includes('telemetry/metrics') || url.includes('telemetry/busy') || url.includes('telemetry/drift')],
  ['tracing (OpenTelemetry)', (_fn, url) => url.includes('@opentelemetry') || url.includes('telemetry/tracing')],
  ['logging (pino)', (_fn, url) => url.includes('pino') || url.includes('telemetry/logger')],
  ['request JSON parse', (fn, url) => (url === '' && fn === 'parse') || fn === 'parseJsonBody'],
  ['response JSON encode', (fn, url) => (url === '' && fn === 'stringify') || fn === 'sendJson'],
  ['handler, validation, faults', (_fn, url) => url.includes('services/inference/src/http') || url.includes('services/inference/src/faults') || url.includes('services/contracts')],
  ['HTTP parsing (node http server)', (fn, url) => url.includes('_http_server') || url.includes('_http_common') || url.includes('_http_incoming') || /parserOn|HTTPParser/.test(fn) || (url === '' && fn === 'execute')],
  ['response write (http outgoing, socket)', (fn, url) => url.includes('_http_outgoing') || url.includes('node:net') || url.includes('stream_base_commons') || url.includes('internal/streams') || /^(writev|writeUtf8String|writeLatin1String|writeBuffer|writeGeneric)$/.test(fn)],
  ['event loop, timers, promises', (_fn, url) => url.includes('internal/timers') || url.includes('internal/process/task_queues') || url.includes('internal/async_hooks') || url.includes('node:events')],
  ['(program: native, not attributed)', (fn) => fn === '(program)'],
  ['other node internals', (_fn, url) => url.startsWith('node:')],
  ['other', () => true],
];

/** Self time per stage (ms) of the samples inside [fromUs, toUs] (profile clock, microseconds). */
function stageTimes(p: CpuProfile, fromUs: number, toUs: number): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const node = byId.get(p.samples[i]);
    if (!node) continue;
    const { functionName: fn, url } = node.callFrame;
    const stage = STAGES.find(([, match]) => match(fn, url))![0];
    out.set(stage, (out.get(stage) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000); // us -> ms
  }
  return out;
}

async function main(): Promise<void> {
  const { root, version, sessionsFile } = benchModel(items, users, say);
  const sessions = (() => {
    try {
      return (JSON.parse(readFileSync(sessionsFile, 'utf8')) as LoadSessionsFile).training;
    } catch {
      return [];
    }
  })();
  const templates = sessions.length ? sessions : [{ userId: 'u-1', query: 'running shoes' }];
  let n = 0;
  const body = (): RequestSpec => {
    if (oipRows > 0) {
      // --oip-rows N: OIP inference requests of N users each (the protocol's batch dimension).
      const rows = Array.from({ length: oipRows }, () => templates[n++ % templates.length]);
      const inputs = [
        { name: 'user_id', datatype: 'BYTES', shape: [oipRows], data: rows.map((t) => t.userId) },
        { name: 'query', datatype: 'BYTES', shape: [oipRows], data: rows.map((t) => t.query) },
        { name: 'k', datatype: 'INT32', shape: [1], data: [10] },
      ];
      return { path: '/v2/models/recsys-two-tower/infer', body: JSON.stringify({ inputs }), headers: { 'x-synthetic': 'true' } };
    }
    const t = templates[n++ % templates.length];
    return { path: '/v1/recommend', body: JSON.stringify({ userId: t.userId, query: t.query, k: 10 }), headers: { 'x-synthetic': 'true' } };
  };
  // The replica's serving knobs, when set in this process's environment, reach the profiled replica.
  const tuning = Object.fromEntries(['BATCH_MAX', 'BATCH_DELAY_MS', 'BATCH_CONCURRENCY', 'ORT_THREADS', 'ORT_WORKERS', 'ORT_SPIN'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
  if (Object.keys(tuning).length) say(`replica settings from the environment: ${Object.entries(tuning).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-prof-'));
  const tSpawn = performance.now();
  say(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${availableParallelism()} cores; profiles in ${dir}`);
  const svc = await startTs(
    'services/inference/src/main.ts',
    { MODEL_REGISTRY: root, MODEL_VERSION: version, PORT: '0', GPU_POLL_MS: '0', DEADLINE_MS: '2000', MAX_QUEUE: '4096', REPLICA_ID: 'bench-profile', BATCH_MAX: '32', BATCH_DELAY_MS: '2', BATCH_CONCURRENCY: '1', ...tuning },
    'profiled replica',
    ['--cpu-prof', '--cpu-prof-dir', dir],
  );
  let requests = 0;
  let rps = 0;
  let clientCores = 0;
  let window = { fromMs: 0, toMs: 0 };
  let threads: Array<{ tid: string; comm: string; cores: number }> = [];
  try {
    await waitReady(svc.url);
    await closedLoop(svc.url, body, concurrency, 2); // warm up (outside the profiled window)
    const c0 = process.cpuUsage();
    const task0 = taskCpu(svc.child.pid);
    const t0 = performance.now();
    const st = await closedLoop(svc.url, body, concurrency, seconds);
    const t1 = performance.now();
    const wall = (t1 - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    const task1 = taskCpu(svc.child.pid);
    window = { fromMs: t0 - tSpawn, toMs: t1 - tSpawn };
    threads = [...task1]
      .map(([tid, v]) => ({ tid, comm: v.comm, cores: (v.cpuS - (task0.get(tid)?.cpuS ?? 0)) / wall }))
      .filter((x) => x.cores > 0.005)
      .sort((a, b) => b.cores - a.cores);
    clientCores = (c1.user + c1.system) / 1e6 / wall;
    requests = st.requests;
    rps = st.rps;
    say(`saturation: ${st.rps.toFixed(0)} req/s, p99 ${st.p99Ms.toFixed(1)} ms, errors ${st.errors}; load client ${clientCores.toFixed(2)} cores`);
  } finally {
    await svc.stop();
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${dir}`);
  // Only the samples of the measured window count: the profile clock starts with the process
  // (within the few ms node takes to start the profiler), and every thread shares that clock.
  const profiles = files.map((f) => ({ f, p: JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile }));
  const origin = Math.min(...profiles.map((x) => x.p.startTime));
  const perThread: Array<{ name: string; busyMs: number; stages: Map<string, number> }> = [];
  for (const { f, p } of profiles) {
    const stages = stageTimes(p, origin + window.fromMs * 1000, origin + window.toMs * 1000);
    const busyMs = [...stages].filter(([k]) => k !== 'idle').reduce((s, [, v]) => s + v, 0);
    perThread.push({ name: f, busyMs, stages });
  }
  perThread.sort((a, b) => b.busyMs - a.busyMs);
  // The main thread is the one with HTTP parsing in it; the worker runs onnxruntime.
  const http = (t: (typeof perThread)[number]) => t.stages.get('HTTP parsing (node http server)') ?? 0;
  const main = perThread.reduce((best, t) => (http(t) > http(best) ? t : best), perThread[0]);
  const ort = (t: (typeof perThread)[number]) => t.stages.get('onnxruntime (binding + session.run on the worker)') ?? 0;
  const worker = perThread.filter((t) => t !== main).reduce<(typeof perThread)[number] | undefined>((best, t) => (!best || ort(t) > ort(best) ? t : best), undefined);
  say('');
  say(`OS threads of the replica during the measurement (/proc/<pid>/task; onnxruntime's own intra-op threads are native and invisible to V8's profiler):`);
  for (const t of threads) say(`  tid ${t.tid.padEnd(8)} ${t.comm.padEnd(16)} ${t.cores.toFixed(2)} cores  ${((t.cores * 1e6) / rps).toFixed(1)} us per request`);
  const totalCores = threads.reduce((s2, t) => s2 + t.cores, 0);
  say(`  replica total ${totalCores.toFixed(2)} cores = ${((totalCores * 1e6) / rps).toFixed(1)} us of CPU per request; load client ${clientCores.toFixed(2)} cores (${((clientCores / availableParallelism()) * 100).toFixed(0)}% of the machine)`);
  // V8's sampler takes wall-clock samples of whatever a thread's stack is, running or descheduled,
  // so on a loaded machine its milliseconds overstate CPU. The shares of the samples are what it
  // measures well; CPU per request comes from /proc: the main thread's OS thread id is the pid.
  const mainCores = threads.find((t) => t.tid === String(svc.child.pid))?.cores ?? NaN;
  for (const t of [main, worker].filter((x): x is (typeof perThread)[number] => !!x)) {
    const isMain = t === main;
    say('');
    say(isMain
      ? `main thread (${t.name}): ${mainCores.toFixed(2)} cores measured = ${((mainCores * 1e6) / rps).toFixed(1)} us of CPU per request, split by the profile's samples`
      : `inference worker thread (${t.name}): shares of its samples (its CPU is among the OS threads above, beside onnxruntime's native intra-op threads)`);
    say(`  ${'stage'.padEnd(50)} ${'share'.padStart(7)}${isMain ? ' ' + 'CPU us/req'.padStart(11) : ''}`);
    for (const [stage, ms] of [...t.stages].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1])) {
      const share = ms / t.busyMs;
      if (share < 0.001) continue;
      say(`  ${stage.padEnd(50)} ${((share * 100).toFixed(1) + '%').padStart(7)}${isMain ? ' ' + ((share * mainCores * 1e6) / rps).toFixed(1).padStart(11) : ''}`);
    }
  }
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  say('');
  if (oipRows > 0) {
    say(`OIP requests of ${oipRows} users: main thread ${((mainCores * 1e6) / (rps * oipRows)).toFixed(1)} us per query, replica ${((totalCores * 1e6) / (rps * oipRows)).toFixed(1)} us per query (${(rps * oipRows).toFixed(0)} queries/s)`);
  }
  say(`RESULT requests=${requests} rps=${rps.toFixed(0)} main_us_per_request=${((mainCores * 1e6) / rps).toFixed(1)} replica_us_per_request=${((totalCores * 1e6) / rps).toFixed(1)} client_cores=${clientCores.toFixed(2)}`);
}

/** CPU seconds per OS thread of a process, with the thread's name, from /proc/<pid>/task/<tid>/stat. */
function taskCpu(pid: number | undefined): Map<string, { comm: string; cpuS: number }> {
  const out = new Map<string, { comm: string; cpuS: number }>();
  if (pid === undefined) return out;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { comm, cpuS: (Number(f[11]) + Number(f[12])) / 100 });
    } catch {
      /* the thread ended */
    }
  }
  return out;
}

main().catch((e) => {
  process.stderr.write(`bench:inference:profile failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
