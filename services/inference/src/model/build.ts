/**
 * The model pipeline: synthetic world -> two-tower training -> ONNX export -> offline evaluation
 * through onnxruntime -> signed registry version, plus the held-out sessions file both load engines
 * replay (training mix and a drifted mix).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LoadRequestTemplate, LoadSessionsFile } from '@drillbook/contracts';
import { AliasTable, Rng } from '../world/rng.js';
import { generateWorld, itemId, userId, type World, type WorldParams } from '../world/generator.js';
import { CATEGORIES, SEGMENTS, queryCategory } from '../world/vocab.js';
import { exportOnnx } from './onnx.js';
import { mutateWeights, trainTwoTower, type TrainParams, type TwoTowerWeights } from './train.js';
import { evaluate, popularityRanking, type EvaluationReport } from './evaluate.js';
import { OnnxScorer } from '../serving/session.js';
import type { ModelManifest, ModelRegistry, ServingFeatures } from '../registry/registry.js';

export interface BuildOptions {
  version: string;
  world?: Partial<WorldParams>;
  train?: Partial<TrainParams>;
  evalSessions?: number;
  /** Where to write the load sessions file. */
  sessionsFile?: string;
  onProgress?: (message: string) => void;
}

export interface BuildResult {
  manifest: ModelManifest;
  report: EvaluationReport;
  world: World;
  weights: TwoTowerWeights;
  features: ServingFeatures;
  sessionsFile?: string;
}

export function servingFeatures(world: World): ServingFeatures {
  const cats = new Array(CATEGORIES.length + 1).fill(0);
  const segs = new Array(SEGMENTS.length).fill(0);
  for (const s of world.train) {
    const c = queryCategory(s.query);
    cats[c < 0 ? CATEGORIES.length : c]++;
    segs[world.userSegment[s.user]]++;
  }
  const norm = (xs: number[]) => {
    const t = xs.reduce((a, b) => a + b, 0);
    return xs.map((x) => x / t);
  };
  return {
    schemaVersion: 1,
    categories: CATEGORIES.map((c) => c.name),
    segments: [...SEGMENTS],
    userSegment: Array.from(world.userSegment),
    itemCategory: Array.from(world.itemCategory),
    popular: popularityRanking(world).slice(0, 200),
    trainingDistribution: { queryCategory: norm(cats), userSegment: norm(segs) },
  };
}

/**
 * Held-out sessions as load templates. `drifted` resamples them so rare categories become common
 * and explorers dominate: the live mix moves away from training, which the drift gauges must see.
 */
export function loadSessions(world: World, max = 5000): LoadSessionsFile {
  const toTemplate = (i: number): LoadRequestTemplate => {
    const s = world.heldOut[i];
    return {
      userId: userId(s.user),
      query: s.query,
      groundTruth: [itemId(s.purchased)],
      category: CATEGORIES[s.intent].name,
      segment: SEGMENTS[world.userSegment[s.user]],
    };
  };
  const n = world.heldOut.length;
  const step = Math.max(1, Math.floor(n / max));
  const training: LoadRequestTemplate[] = [];
  for (let i = 0; i < n && training.length < max; i += step) training.push(toTemplate(i));

  const catFreq = new Array(CATEGORIES.length).fill(1);
  for (const s of world.heldOut) catFreq[s.intent]++;
  const segShift: Record<string, number> = { 'bargain-hunter': 0.3, premium: 3, explorer: 3, loyal: 0.3 };
  const weights = world.heldOut.map((s) => (1 / catFreq[s.intent]) ** 1.5 * segShift[SEGMENTS[world.userSegment[s.user]]]);
  const table = new AliasTable(weights);
  const rng = new Rng(world.params.seed ^ 0x5eed);
  const drifted: LoadRequestTemplate[] = [];
  for (let i = 0; i < Math.min(max, n); i++) drifted.push(toTemplate(table.sample(rng)));
  return { schemaVersion: 1, world: { seed: world.params.seed, items: world.params.items, users: world.params.users }, training, drifted };
}

export async function buildModel(registry: ModelRegistry, opts: BuildOptions): Promise<BuildResult> {
  const say = opts.onProgress ?? (() => {});
  let t = Date.now();
  const lap = () => {
    const ms = Date.now() - t;
    t = Date.now();
    return `${(ms / 1000).toFixed(1)}s`;
  };
  const world = generateWorld(opts.world);
  say(`world: ${world.params.items} items, ${world.params.users} users, ${world.train.length} training sessions, ${world.heldOut.length} held out (${lap()})`);
  const weights = trainTwoTower(world, opts.train, (p) => say(`train: epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`));
  say(`train: done (${lap()})`);
  const features = servingFeatures(world);
  const result = await publishWeights(registry, {
    version: opts.version,
    world,
    weights,
    features,
    evalSessions: opts.evalSessions,
    provenance: { train: { ...opts.train } },
  });
  say(`evaluate: model NDCG@10 ${result.report.model.ndcgAt10.toFixed(4)} recall@50 ${result.report.model.recallAt50.toFixed(4)} | popularity NDCG@10 ${result.report.popularity.ndcgAt10.toFixed(4)} recall@50 ${result.report.popularity.recallAt50.toFixed(4)} on ${result.report.model.evaluated} held-out purchases (${lap()})`);
  let sessionsFile: string | undefined;
  if (opts.sessionsFile) {
    writeJsonAtomic(opts.sessionsFile, loadSessions(world));
    sessionsFile = opts.sessionsFile;
  }
  return { ...result, world, weights, features, sessionsFile };
}

/** Export weights (optionally damaged for a drill), evaluate the exported artefact and publish it signed. */
export async function publishWeights(
  registry: ModelRegistry,
  input: {
    version: string;
    world: World;
    weights: TwoTowerWeights;
    features: ServingFeatures;
    mutation?: 'none' | 'shuffle-item-embeddings' | 'zero-user-tower';
    evalSessions?: number;
    provenance?: Record<string, unknown>;
  },
): Promise<{ manifest: ModelManifest; report: EvaluationReport }> {
  const weights = mutateWeights(input.weights, input.mutation ?? 'none');
  const modelBytes = exportOnnx(weights, { version: input.version });
  const scorer = await OnnxScorer.create(modelBytes, weights.shape);
  let report: EvaluationReport;
  try {
    report = await evaluate(input.world, scorer, { maxSessions: input.evalSessions ?? 2000 });
  } finally {
    await scorer.release();
  }
  const { seed, items, users, sessionsPerUser, latentDim } = input.world.params;
  const manifest = registry.publish({
    version: input.version,
    modelBytes,
    features: input.features,
    shape: weights.shape,
    world: { seed, items, users, sessionsPerUser, latentDim },
    metrics: report,
    provenance: { ...input.provenance, mutation: input.mutation ?? 'none' },
  });
  return { manifest, report };
}

export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}
