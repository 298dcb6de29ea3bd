/**
 * Model variants benchmark (not a test). From one trained model, side by side in one run: fp32 and
 * its compressed variants (int8 with per-row scales through onnxruntime's quantized operators,
 * fp16), each loaded from the registry as a signed version. For each: size, throughput at
 * saturation (in-process, batches of 32 back to back on one onnxruntime session, variants measured
 * in turns `--rounds` times), p99 batch latency at saturation, offline NDCG@10 / recall@50 from the
 * manifest (measured on the exported artefact at build time) and the quality loss against fp32.
 *
 *   npm run bench:model-variants [-- --items 20000 --users 4000 --seconds 4 --rounds 2]
 *
 * Ends with: RESULT fp32_rps=<n> compressed_rps=<n> size_ratio=<r> ndcg_loss=<fraction>
 * (compressed = int8; fp16 is in the table).
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { publishWeights, servingFeatures } from '../../services/inference/src/model/build.js';
import { latencyRequests, measureLatency, publishVariants, type LatencyFigures } from '../../services/inference/src/model/publishVariants.js';
import { trainTwoTower } from '../../services/inference/src/model/train.js';
import { loadOrCreateSigningKeys } from '../../services/inference/src/registry/crypto.js';
import { ModelRegistry } from '../../services/inference/src/registry/registry.js';
import { OnnxScorer } from '../../services/inference/src/serving/session.js';
import { generateWorld } from '../../services/inference/src/world/generator.js';
import { REPO } from '../lib/procs.js';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '20000' },
    users: { type: 'string', default: '4000' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
  },
});
const num = (name: keyof typeof values, min: number) => {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < min) {
    process.stderr.write(`bench:model-variants: --${name} must be an integer >= ${min}, got ${JSON.stringify(values[name])}\n`);
    process.exit(2);
  }
  return v;
};
const items = num('items', 1000);
const users = num('users', 10);
const seconds = num('seconds', 1);
const rounds = num('rounds', 1);
const say = (s: string) => process.stdout.write(s + '\n');

const root = join(REPO, '.drillbook', 'bench', 'variants');
const base = `vb-${items}x${users}`;
const VARIANTS = ['fp32', 'int8', 'fp16'] as const;
const versionOf = (v: (typeof VARIANTS)[number]) => (v === 'fp32' ? base : `${base}-${v}`);

async function main(): Promise<void> {
  say(`bench:model-variants: ${items} items, ${users} users, ${seconds}s per variant per round, ${rounds} rounds; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const keys = loadOrCreateSigningKeys(join(root, '.keys'));
  const registry = new ModelRegistry({ root, publicKey: keys.publicKey, privateKey: keys.privateKey });
  const t0 = Date.now();
  const world = generateWorld({ items, users });
  if (!VARIANTS.every((v) => registry.list().includes(versionOf(v)))) {
    for (const v of VARIANTS) if (registry.list().includes(versionOf(v))) throw new Error(`${registry.dir(versionOf(v))} exists but the set is incomplete: remove ${root} and run again`);
    say(`training once (cached in ${root}) ...`);
    const weights = trainTwoTower(world, {});
    const features = servingFeatures(world);
    await publishWeights(registry, { version: base, world, weights, features, provenance: { variant: 'fp32' } });
    await publishVariants(registry, { baseVersion: base, world, weights, features, variants: ['int8', 'fp16'], latencyMs: 500, onProgress: (m) => say(`  ${m}`) });
    say(`built and published in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
  }
  const requests = latencyRequests(world);
  const loaded = VARIANTS.map((v) => ({ v, model: registry.load(versionOf(v)) })); // verified: hash + signature
  const runs = new Map<string, LatencyFigures[]>(VARIANTS.map((v) => [v, []]));
  for (let r = 1; r <= rounds; r++) {
    for (const { v, model } of loaded) {
      const scorer = await OnnxScorer.create(model.modelBytes, model.manifest.shape);
      try {
        const f = await measureLatency(scorer, requests, { durationMs: seconds * 1000 });
        runs.get(v)!.push(f);
        say(`  round ${r} ${v.padEnd(4)} ${f.rps.toFixed(0)} req/s, p99 ${f.p99Ms.toFixed(2)} ms per batch of ${f.batch} (${f.batches} batches)`);
      } finally {
        await scorer.release();
      }
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fp32 = loaded[0].model.manifest;
  const rows = loaded.map(({ v, model }) => {
    const m = model.manifest;
    const f = runs.get(v)!;
    return {
      v,
      version: m.version,
      size: m.artefacts.model.size,
      sizeRatio: m.artefacts.model.size / fp32.artefacts.model.size,
      rps: mean(f.map((x) => x.rps)),
      p99: Math.max(...f.map((x) => x.p99Ms)),
      ndcg: m.metrics!.model.ndcgAt10,
      recall: m.metrics!.model.recallAt50,
      loss: (fp32.metrics!.model.ndcgAt10 - m.metrics!.model.ndcgAt10) / fp32.metrics!.model.ndcgAt10,
    };
  });
  say('');
  say(`| variant | version | model bytes | size vs fp32 | req/s at saturation | p99 batch ms | NDCG@10 | recall@50 | NDCG@10 loss |`);
  say(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const x of rows) say(`| ${x.v} | ${x.version} | ${x.size} | ${x.sizeRatio.toFixed(3)} | ${x.rps.toFixed(0)} | ${x.p99.toFixed(2)} | ${x.ndcg.toFixed(4)} | ${x.recall.toFixed(4)} | ${(x.loss * 100).toFixed(2)} % |`);
  say(`popularity baseline NDCG@10 ${fp32.metrics!.popularity.ndcgAt10.toFixed(4)}; load average after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const int8 = rows.find((x) => x.v === 'int8')!;
  say(`RESULT fp32_rps=${rows[0].rps.toFixed(0)} compressed_rps=${int8.rps.toFixed(0)} size_ratio=${int8.sizeRatio.toFixed(3)} ndcg_loss=${int8.loss.toFixed(4)}`);
}

main().catch((e) => {
  process.stderr.write(`bench:model-variants failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
