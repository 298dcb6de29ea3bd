/**
 * Publish compressed variants of a trained model, each as its own signed registry version
 * (`<base>-int8`, `<base>-fp16`) with its size (manifest), offline NDCG@10 / recall@50 (manifest
 * metrics, measured on the exported artefact through onnxruntime) and measured latency
 * (provenance.latency: batches of 32 in-process at saturation on the build machine).
 */
import type { World } from '../world/generator.js';
import { OnnxScorer, type ScoreRequest } from '../serving/session.js';
import type { ModelManifest, ModelRegistry, ServingFeatures } from '../registry/registry.js';
import { evaluate, evaluationSample, type EvaluationReport } from './evaluate.js';
import type { TwoTowerWeights } from './train.js';
import { exportOnnxVariant, type ModelVariant } from './variants.js';

export interface LatencyFigures {
  batch: number;
  batches: number;
  /** Requests per second at saturation (one batch after another, one session). */
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface VariantResult {
  variant: ModelVariant;
  version: string;
  manifest: ModelManifest;
  report: EvaluationReport;
  latency: LatencyFigures;
}

/** Requests drawn from held-out sessions (the same ones for every variant). */
export function latencyRequests(world: World, n = 512): ScoreRequest[] {
  return evaluationSample(world, n).map((s) => ({ userRow: s.user + 1, query: s.query }));
}

/** Run batches back to back for `durationMs` and report throughput and batch latency percentiles. */
export async function measureLatency(scorer: OnnxScorer, requests: ScoreRequest[], opts: { durationMs: number; batch?: number; k?: number }): Promise<LatencyFigures> {
  const batch = opts.batch ?? 32;
  const k = opts.k ?? 10;
  const times: number[] = [];
  await scorer.score(requests.slice(0, batch), k); // warm-up
  const start = performance.now();
  let i = 0;
  while (performance.now() - start < opts.durationMs || times.length < 5) {
    const chunk: ScoreRequest[] = [];
    for (let j = 0; j < batch; j++) chunk.push(requests[(i + j) % requests.length]);
    i += batch;
    const t = performance.now();
    await scorer.score(chunk, k);
    times.push(performance.now() - t);
  }
  const elapsed = (performance.now() - start) / 1000;
  const sorted = [...times].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { batch, batches: times.length, rps: (times.length * batch) / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

export async function publishVariants(
  registry: ModelRegistry,
  input: {
    baseVersion: string;
    world: World;
    weights: TwoTowerWeights;
    features: ServingFeatures;
    variants: ModelVariant[];
    evalSessions?: number;
    latencyMs?: number;
    onProgress?: (msg: string) => void;
  },
): Promise<VariantResult[]> {
  const out: VariantResult[] = [];
  const requests = latencyRequests(input.world);
  for (const variant of input.variants) {
    if (variant === 'fp32') continue; // the base version is the fp32 export
    const version = `${input.baseVersion}-${variant}`;
    const modelBytes = exportOnnxVariant(input.weights, variant, { version });
    const scorer = await OnnxScorer.create(modelBytes, input.weights.shape);
    let report: EvaluationReport;
    let latency: LatencyFigures;
    try {
      report = await evaluate(input.world, scorer, { maxSessions: input.evalSessions ?? 2000 });
      latency = await measureLatency(scorer, requests, { durationMs: input.latencyMs ?? 2000 });
    } finally {
      await scorer.release();
    }
    const { seed, items, users, sessionsPerUser, latentDim } = input.world.params;
    const manifest = registry.publish({
      version,
      modelBytes,
      features: input.features,
      shape: input.weights.shape,
      world: { seed, items, users, sessionsPerUser, latentDim },
      metrics: report,
      provenance: { variant, derivedFrom: input.baseVersion, latency, mutation: 'none' },
    });
    input.onProgress?.(
      `variant ${variant}: ${version} ${manifest.artefacts.model.size} bytes, NDCG@10 ${report.model.ndcgAt10.toFixed(4)} recall@50 ${report.model.recallAt50.toFixed(4)}, ${latency.rps.toFixed(0)} req/s p99 ${latency.p99Ms.toFixed(2)} ms per batch of ${latency.batch}`,
    );
    out.push({ variant, version, manifest, report, latency });
  }
  return out;
}
