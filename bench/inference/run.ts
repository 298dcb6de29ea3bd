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
 *   npm run bench:inference [-- --items 100000 --seconds 10]
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import type { LoadSessionsFile } from '@drillbook/contracts';
import { OnnxScorer } from '../../services/inference/src/serving/session.js';
import { ModelRegistry } from '../../services/inference/src/registry/registry.js';
import { loadOrCreateSigningKeys } from '../../services/inference/src/registry/crypto.js';
import { closedLoop, openLoop, type RequestSpec } from '../lib/http-load.js';
import { REPO, startTs, waitReady } from '../lib/procs.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    users: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '64' },
  },
});
const items = Number(values.items);
const users = Number(values.users);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const cores = availableParallelism();
const say = (s: string) => process.stdout.write(s + '\n');

const root = join(REPO, '.drillbook', 'bench', 'models');
const version = `bench-${items % 1000 === 0 ? `${items / 1000}k` : items}`;

function ensureModel(): void {
  const keys = loadOrCreateSigningKeys(join(root, '.keys'));
  const reg = new ModelRegistry({ root, publicKey: keys.publicKey });
  if (reg.list().includes(version)) return;
  say(`building the ${items}-item model (once; cached in ${root}) ...`);
  execFileSync(process.execPath, ['--import', 'tsx', 'services/inference/src/cli/model-build.ts', '--items', String(items), '--users', String(users), '--registry', root, '--version', version], {
    cwd: REPO,
    stdio: 'inherit',
  });
}

async function main(): Promise<void> {
  ensureModel();
  const keys = loadOrCreateSigningKeys(join(root, '.keys'));
  const reg = new ModelRegistry({ root, publicKey: keys.publicKey });
  const model = reg.load(version);
  const sessionsFile = join(root, 'load-sessions.json');
  const sessions = existsSync(sessionsFile) ? (JSON.parse(readFileSync(sessionsFile, 'utf8')) as LoadSessionsFile).training : [];
  const templates = sessions.length ? sessions : [{ userId: 'u-1', query: 'running shoes' }];
  let n = 0;
  const nextTemplate = () => templates[n++ % templates.length];
  say(`model ${version}: ${model.manifest.shape.items} items, dim ${model.manifest.shape.dim}; machine: ${cores} cores; ${seconds}s per measurement`);

  // (a) raw in-process throughput by batch size.
  const scorer = await OnnxScorer.create(model.modelBytes, model.manifest.shape, { intraOpThreads: cores });
  let best = { batch: 1, rps: 0 };
  for (const batch of [1, 8, 16, 32, 64, 128]) {
    const reqs = Array.from({ length: batch }, () => {
      const t = nextTemplate();
      return { userRow: Number(t.userId.slice(2)) + 1, query: t.query };
    });
    await scorer.score(reqs, 10);
    let done = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < (seconds * 1000) / 3) {
      await scorer.score(reqs, 10);
      done += batch;
    }
    const rps = done / ((performance.now() - t0) / 1000);
    say(`(a) raw onnxruntime  batch ${String(batch).padStart(3)}: ${rps.toFixed(0).padStart(6)} req/s  (${((rps * items) / 1e6).toFixed(1)} M items scored/s)`);
    if (rps > best.rps) best = { batch, rps };
  }
  await scorer.release();
  say(`(a) best: batch ${best.batch} at ${best.rps.toFixed(0)} req/s`);

  const body = (): RequestSpec => {
    const t = nextTemplate();
    return { path: '/v1/recommend', body: JSON.stringify({ userId: t.userId, query: t.query, k: 10 }), headers: { 'x-synthetic': 'true' } };
  };
  const common = { MODEL_REGISTRY: root, MODEL_VERSION: version, PORT: '0', GPU_POLL_MS: '0', DEADLINE_MS: '2000', MAX_QUEUE: '4096', DRIFT: 'false' };

  // (b) the service, batching on.
  const svc = await startTs('services/inference/src/main.ts', { ...common, REPLICA_ID: 'bench-batched', BATCH_MAX: String(Math.max(32, best.batch)), BATCH_DELAY_MS: '2', BATCH_CONCURRENCY: '1' }, 'batched service');
  let batched, half;
  try {
    await waitReady(svc.url);
    await closedLoop(svc.url, body, concurrency, 2); // warm up
    batched = await closedLoop(svc.url, body, concurrency, seconds);
    say(`(b) service, batching on, saturation (${concurrency} in flight): ${batched.rps.toFixed(0)} req/s, p99 ${batched.p99Ms.toFixed(1)} ms, errors ${batched.errors}, degraded ${batched.degraded}`);
    half = await openLoop(svc.url, body, batched.rps / 2, seconds);
    say(`(b) service at 50% load (${(batched.rps / 2).toFixed(0)} req/s open model): p50 ${half.p50Ms.toFixed(1)} ms, p99 ${half.p99Ms.toFixed(1)} ms, errors ${half.errors}`);
  } finally {
    await svc.stop();
  }

  // (c) naive peer: same service and model, batching off.
  const naiveSvc = await startTs('services/inference/src/main.ts', { ...common, REPLICA_ID: 'bench-naive', BATCH_MAX: '1', BATCH_DELAY_MS: '0', BATCH_CONCURRENCY: '8' }, 'naive service');
  let naive;
  try {
    await waitReady(naiveSvc.url);
    await closedLoop(naiveSvc.url, body, concurrency, 2);
    naive = await closedLoop(naiveSvc.url, body, concurrency, seconds);
    say(`(c) naive peer, one session.run per request, saturation: ${naive.rps.toFixed(0)} req/s, p99 ${naive.p99Ms.toFixed(1)} ms, errors ${naive.errors}`);
  } finally {
    await naiveSvc.stop();
  }

  const servingVsRaw = batched.rps / best.rps;
  const servingVsNaive = batched.rps / naive.rps;
  say('');
  say(`serving/raw = ${servingVsRaw.toFixed(2)} (target >= 0.6), serving/naive = ${servingVsNaive.toFixed(2)} (target >= 3), p99 at half load = ${half.p99Ms.toFixed(1)} ms (target < 50)`);
  say(`RESULT serving_vs_raw=${servingVsRaw.toFixed(3)} serving_vs_naive=${servingVsNaive.toFixed(3)} p99_ms_at_half_load=${half.p99Ms.toFixed(2)} items=${model.manifest.shape.items}`);
}

main().catch((e) => {
  process.stderr.write(`bench:inference failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
