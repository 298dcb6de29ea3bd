/**
 * Inference benchmark (not a test). On this machine, in one run, side by side:
 *   (a) raw onnxruntime-node throughput of the >= 100k-item model at its best batch size,
 *       in-process, no HTTP: the physical limit here;
 *   (b) the service over HTTP at saturation with dynamic batching on;
 *   (c) a naive peer: the same service and model with batching off (one session.run per request,
 *       runs issued concurrently as a plain per-request handler would).
 * Prints requests/s (each request ranks the whole catalogue: items scored/s = requests/s x items),
 * p50/p99 at 50% of (b)'s saturation, and the ratios (b)/(a) and (b)/(c).
 *
 * (a) is first swept over batch sizes and thread-pool spinning, and (b) and (c) over the requests
 * in flight (`--concurrency`, a list); each best configuration is then measured again in turns,
 * `--rounds` times. Each round gives its own ratios; the
 * spread (min / median / max) of each is printed, and the RESULT ratios are of the medians over the
 * rounds. CPU of the load client (this process) and of the replica is measured during every (b) and
 * (c) measurement and printed as cores and as a share of the machine.
 *
 *   npm run bench:inference [-- --items 100000 --seconds 4 --rounds 8 --concurrency 64,128,256]
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadSessionsFile } from '@drillbook/contracts';
import { OnnxScorer } from '../../services/inference/src/serving/session.js';
import { ModelRegistry } from '../../services/inference/src/registry/registry.js';
import { loadOrCreateSigningKeys } from '../../services/inference/src/registry/crypto.js';
import { closedLoop, openLoop, type LoadStats, type RequestSpec } from '../lib/http-load.js';
import { startTs, waitReady } from '../lib/procs.js';
import { benchModel } from './model.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    users: { type: 'string', default: '20000' },
    /** Length of each measurement in the rounds; short, so that the host's drift hits (a), (b) and (c) alike. */
    seconds: { type: 'string', default: '4' },
    /** Requests in flight for (b) and (c): a comma list is swept and each service is measured at its best. */
    concurrency: { type: 'string', default: '64,128,256' },
    rounds: { type: 'string', default: '8' },
    /** The batched service's BATCH_CONCURRENCY (batches handed to the inference worker at once). */
    'batch-concurrency': { type: 'string', default: '1' },
    /** ORT_WORKERS of both services (inference workers, each with its own session). */
    workers: { type: 'string', default: '1' },
  },
});
const items = Number(values.items);
const users = Number(values.users);
const seconds = Number(values.seconds);
const concurrencies = values.concurrency.split(',').map((x) => Number(x.trim()));
const rounds = Number(values.rounds);
const batchConcurrency = Number(values['batch-concurrency']);
const workers = Number(values.workers);
for (const [name, v, min] of [['items', items, 1000], ['users', users, 1], ['seconds', seconds, 1], ...concurrencies.map((c) => ['concurrency', c, 1] as const), ['rounds', rounds, 1], ['batch-concurrency', batchConcurrency, 1], ['workers', workers, 1]] as const) {
  if (!Number.isInteger(v) || v < min) {
    process.stderr.write(`bench:inference: --${name} must be an integer >= ${min}, got ${JSON.stringify(values[name])}\n`);
    process.exit(2);
  }
}
const cores = availableParallelism();
/** Seconds of each sweep point, and of the steady measurements after the rounds (p99 at half load, OIP). */
const sweepS = Math.max(2, seconds * 0.75);
const steadyS = Math.max(10, seconds);
/** Users per request in the printed OIP batch figure. */
const OIP_ROWS = 8;
const say = (s: string) => process.stdout.write(s + '\n');

async function main(): Promise<void> {
  const { root, version, sessionsFile } = benchModel(items, users, say);
  const keys = loadOrCreateSigningKeys(join(root, '.keys'));
  const reg = new ModelRegistry({ root, publicKey: keys.publicKey });
  const model = reg.load(version);
  const sessions = existsSync(sessionsFile) ? (JSON.parse(readFileSync(sessionsFile, 'utf8')) as LoadSessionsFile).training : [];
  const templates = sessions.length ? sessions : [{ userId: 'u-1', query: 'running shoes' }];
  let n = 0;
  const nextTemplate = () => templates[n++ % templates.length];
  say(`model ${version}: ${model.manifest.shape.items} items, dim ${model.manifest.shape.dim}; machine: ${cores} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${seconds}s per measurement in ${rounds} rounds, ${sweepS}s per sweep point`);

  const reqsOf = (batch: number) =>
    Array.from({ length: batch }, () => {
      const t = nextTemplate();
      return { userRow: Number(t.userId.slice(2)) + 1, query: t.query };
    });
  /** Requests/s of back-to-back `score` calls on one in-process session, for `ms`. */
  async function rawRps(scorer: OnnxScorer, batch: number, ms: number): Promise<number> {
    const reqs = reqsOf(batch);
    await scorer.score(reqs, 10);
    let done = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      await scorer.score(reqs, 10);
      done += batch;
    }
    return done / ((performance.now() - t0) / 1000);
  }

  // (a) sweep: batch size x onnxruntime's thread-pool spinning, `sweepS` seconds each, to
  // find the best configuration; it is then measured again at full length, between (b) and (c).
  let best = { batch: 1, rps: 0, spin: true };
  for (const spin of [true, false]) {
    const scorer = await OnnxScorer.create(model.modelBytes, model.manifest.shape, { intraOpThreads: cores, spin });
    for (const batch of [1, 8, 16, 32, 64, 128]) {
      const rps = await rawRps(scorer, batch, sweepS * 1000);
      say(`(a) sweep: raw onnxruntime, spin ${spin ? 'on ' : 'off'}, batch ${String(batch).padStart(3)}: ${rps.toFixed(0).padStart(6)} req/s  (${((rps * items) / 1e6).toFixed(1)} M items scored/s)`);
      if (rps > best.rps) best = { batch, rps, spin };
    }
    await scorer.release();
  }
  say(`(a) best configuration: batch ${best.batch}, spin ${best.spin ? 'on' : 'off'}`);
  say(`(b) and (c): ${workers} inference worker(s) each (ORT_WORKERS); (b) runs up to ${Math.max(batchConcurrency, workers)} batch(es) at once`);

  const body = (): RequestSpec => {
    const t = nextTemplate();
    return { path: '/v1/recommend', body: JSON.stringify({ userId: t.userId, query: t.query, k: 10 }), headers: { 'x-synthetic': 'true' } };
  };
  /** An OIP inference request of OIP_ROWS users (and their queries), k 10 each. */
  const oipBody = (): RequestSpec => {
    const rows = Array.from({ length: OIP_ROWS }, nextTemplate);
    return {
      path: '/v2/models/recsys-two-tower/infer',
      body: JSON.stringify({
        inputs: [
          { name: 'user_id', datatype: 'BYTES', shape: [OIP_ROWS], data: rows.map((t) => t.userId) },
          { name: 'query', datatype: 'BYTES', shape: [OIP_ROWS], data: rows.map((t) => t.query ?? '') },
          { name: 'k', datatype: 'INT32', shape: [1], data: [10] },
        ],
      }),
      headers: { 'x-synthetic': 'true' },
    };
  };
  const common = { MODEL_REGISTRY: root, MODEL_VERSION: version, PORT: '0', GPU_POLL_MS: '0', DEADLINE_MS: '2000', MAX_QUEUE: '4096', ORT_WORKERS: String(workers) };

  // (b) the service with batching on, and (c) the naive peer: the same service and model with
  // batching off. Both stay up (idle while not measured) so that (a), (b) and (c) can take turns:
  // the host's CPU steal drifts over minutes, and turns spread it over all three.
  const raw = await OnnxScorer.create(model.modelBytes, model.manifest.shape, { intraOpThreads: cores, spin: best.spin });
  const svc = await startTs('services/inference/src/main.ts', { ...common, REPLICA_ID: 'bench-batched', BATCH_MAX: String(Math.max(32, best.batch)), BATCH_DELAY_MS: '2', BATCH_CONCURRENCY: String(Math.max(batchConcurrency, workers)) }, 'batched service');
  const naiveSvc = await startTs('services/inference/src/main.ts', { ...common, REPLICA_ID: 'bench-naive', BATCH_MAX: '1', BATCH_DELAY_MS: '0', BATCH_CONCURRENCY: '8' }, 'naive service').catch(async (e) => {
    await svc.stop();
    throw e;
  });
  const rawRuns: number[] = [];
  /** (a1) raw onnxruntime at batch 1, same configuration: the most any one-row-per-run peer can do. */
  const raw1Runs: number[] = [];
  const batchedRuns: LoadStats[] = [];
  const naiveRuns: LoadStats[] = [];
  const clientCpu: { b: number[]; c: number[] } = { b: [], c: [] };
  const serverCpu: { b: number[]; c: number[] } = { b: [], c: [] };
  /** A closed-loop measurement with the CPU (in cores) of the load client and of the replica during it. */
  async function measured(url: string, pid: number | undefined, into: 'b' | 'c', concurrency: number): Promise<LoadStats> {
    const c0 = process.cpuUsage();
    const s0 = procCpuS(pid);
    const t0 = performance.now();
    const st = await closedLoop(url, body, concurrency, seconds);
    const wall = (performance.now() - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    clientCpu[into].push((c1.user + c1.system) / 1e6 / wall);
    const s1 = procCpuS(pid);
    serverCpu[into].push(s0 === undefined || s1 === undefined ? NaN : (s1 - s0) / wall);
    return st;
  }
  const cpuNote = (into: 'b' | 'c') =>
    `load client ${clientCpu[into].at(-1)!.toFixed(2)} cores (${((clientCpu[into].at(-1)! / cores) * 100).toFixed(0)}% of the machine), replica ${serverCpu[into].at(-1)!.toFixed(2)} cores`;
  let half: LoadStats;
  try {
    await Promise.all([waitReady(svc.url), waitReady(naiveSvc.url)]);
    await closedLoop(svc.url, body, concurrencies[0], 2); // warm up
    await closedLoop(naiveSvc.url, body, concurrencies[0], 2);
    // Saturation needs enough requests in flight: with one batch running, the next can only gather
    // what is not in it, so a batched service needs about twice its best batch in flight. (a) gets
    // its best configuration from a sweep; (b) and (c) get theirs from this one, alike.
    let bestB = { c: concurrencies[0], rps: 0 };
    let bestC = { c: concurrencies[0], rps: 0 };
    for (const c of concurrencies) {
      const b = await closedLoop(svc.url, body, c, sweepS);
      const n = await closedLoop(naiveSvc.url, body, c, sweepS);
      say(`(b)/(c) sweep: ${String(c).padStart(4)} in flight: (b) service ${b.rps.toFixed(0).padStart(6)} req/s (p99 ${b.p99Ms.toFixed(1)} ms), (c) naive peer ${n.rps.toFixed(0).padStart(6)} req/s (p99 ${n.p99Ms.toFixed(1)} ms)`);
      if (b.rps > bestB.rps) bestB = { c, rps: b.rps };
      if (n.rps > bestC.rps) bestC = { c, rps: n.rps };
    }
    say(`(b) best at ${bestB.c} in flight, (c) best at ${bestC.c} in flight`);
    for (let r = 1; r <= rounds; r++) {
      const a = await rawRps(raw, best.batch, seconds * 1000);
      rawRuns.push(a);
      say(`round ${r}/${rounds} (a) raw onnxruntime, batch ${best.batch}, in-process: ${a.toFixed(0)} req/s`);
      const a1 = await rawRps(raw, 1, seconds * 1000);
      raw1Runs.push(a1);
      say(`round ${r}/${rounds} (a1) raw onnxruntime, batch 1, in-process: ${a1.toFixed(0)} req/s (batching's own gain here: ${(a / a1).toFixed(2)}x)`);
      const b = await measured(svc.url, svc.child.pid, 'b', bestB.c);
      batchedRuns.push(b);
      say(`round ${r}/${rounds} (b) service, batching on, saturation (${bestB.c} in flight): ${b.rps.toFixed(0)} req/s, p99 ${b.p99Ms.toFixed(1)} ms, errors ${b.errors}, degraded ${b.degraded}; ${cpuNote('b')}`);
      const c = await measured(naiveSvc.url, naiveSvc.child.pid, 'c', bestC.c);
      naiveRuns.push(c);
      say(`round ${r}/${rounds} (c) naive peer, one session.run per request, saturation (${bestC.c} in flight): ${c.rps.toFixed(0)} req/s, p99 ${c.p99Ms.toFixed(1)} ms, errors ${c.errors}; ${cpuNote('c')}`);
      say(`round ${r}/${rounds} ratios: serving/raw ${(b.rps / a).toFixed(3)}, serving/naive ${(b.rps / c.rps).toFixed(3)} = serving/raw x raw/raw1 ${(a / a1).toFixed(2)} x raw1/naive ${(a1 / c.rps).toFixed(2)}`);
    }
    const saturation = median(batchedRuns.map((x) => x.rps));
    half = await openLoop(svc.url, body, saturation / 2, steadyS);
    say(`(b) service at 50% load (${(saturation / 2).toFixed(0)} req/s open model): p50 ${half.p50Ms.toFixed(1)} ms, p99 ${half.p99Ms.toFixed(1)} ms, errors ${half.errors}`);
    // Printed only (not in RESULT): the same service taking OIP requests of OIP_ROWS users each (the
    // protocol's batch dimension), with as many queries in flight as (b); each row is one query.
    const rowsIn = Math.max(1, Math.floor(bestB.c / OIP_ROWS));
    const oip = await closedLoop(svc.url, body, bestB.c, steadyS); // /v1 once more right before, side by side
    const o = await closedLoop(svc.url, oipBody, rowsIn, steadyS);
    say(
      `(b') service, OIP infer with ${OIP_ROWS} users per request, saturation (${rowsIn} requests = ${rowsIn * OIP_ROWS} queries in flight): ` +
        `${(o.rps * OIP_ROWS).toFixed(0)} queries/s (${o.rps.toFixed(0)} requests/s), p99 ${o.p99Ms.toFixed(1)} ms, errors ${o.errors}; ` +
        `/v1/recommend just before: ${oip.rps.toFixed(0)} queries/s; ratio ${((o.rps * OIP_ROWS) / oip.rps).toFixed(2)}`,
    );
  } finally {
    await Promise.all([svc.stop(), naiveSvc.stop(), raw.release()]);
  }

  const a = median(rawRuns);
  const b = median(batchedRuns.map((x) => x.rps));
  const c = median(naiveRuns.map((x) => x.rps));
  const servingVsRaw = b / a;
  const servingVsNaive = b / c;
  const spread = (xs: number[], digits = 3) => `min ${Math.min(...xs).toFixed(digits)} / median ${median(xs).toFixed(digits)} / max ${Math.max(...xs).toFixed(digits)}`;
  say('');
  say(`medians over ${rounds} round(s): (a) ${a.toFixed(0)} req/s, (b) ${b.toFixed(0)} req/s, (c) ${c.toFixed(0)} req/s`);
  say(`spread over the rounds: serving/raw ${spread(batchedRuns.map((x, i) => x.rps / rawRuns[i]))}; serving/naive ${spread(batchedRuns.map((x, i) => x.rps / naiveRuns[i].rps))}`);
  // serving/naive = serving/raw x raw/raw1 x raw1/naive. raw/raw1 is what batching itself gains on
  // this CPU (the model's batch-128 GEMM against its batch-1 GEMV): a service at the raw limit,
  // against a naive peer at the batch-1 raw limit, would read exactly that.
  const a1 = median(raw1Runs);
  say(`batching's own gain, raw/raw1 (raw best / raw batch 1, the same session): ${spread(rawRuns.map((x, i) => x / raw1Runs[i]), 2)}; naive peer / raw batch 1: ${spread(naiveRuns.map((x, i) => x.rps / raw1Runs[i]), 2)}`);
  say(`serving/naive ${servingVsNaive.toFixed(2)} = serving/raw ${servingVsRaw.toFixed(2)} x raw/raw1 ${(a / a1).toFixed(2)} x raw1/naive ${(a1 / c).toFixed(2)} (medians; (a1) batch 1 ${a1.toFixed(0)} req/s)`);
  say(`load client CPU during (b): ${spread(clientCpu.b, 2)} cores (median ${((median(clientCpu.b) / cores) * 100).toFixed(0)}% of ${cores}); replica during (b): ${spread(serverCpu.b, 2)} cores`);
  say(`load client CPU during (c): ${spread(clientCpu.c, 2)} cores; naive replica during (c): ${spread(serverCpu.c, 2)} cores`);
  say(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  say(`serving/raw = ${servingVsRaw.toFixed(2)} (target >= 0.6), serving/naive = ${servingVsNaive.toFixed(2)} (target >= 3), p99 at half load = ${half.p99Ms.toFixed(1)} ms (target < 50)`);
  say(`RESULT serving_vs_raw=${servingVsRaw.toFixed(3)} serving_vs_naive=${servingVsNaive.toFixed(3)} p99_ms_at_half_load=${half.p99Ms.toFixed(2)} items=${model.manifest.shape.items}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** CPU seconds (user + system, all threads) a process has used, from /proc; undefined where unreadable. */
function procCpuS(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

main().catch((e) => {
  process.stderr.write(`bench:inference failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
