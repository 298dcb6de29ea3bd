/**
 * Offline evaluation on held-out purchases: NDCG@10 and recall@50, for the exported ONNX model
 * (run through onnxruntime-node, so the artefact itself is measured) and for a popularity baseline.
 */
import { ndcgAtK } from '@drillbook/contracts';
import type { World, Session } from '../world/generator.js';
import type { OnnxScorer } from '../serving/session.js';

export interface OfflineMetrics {
  ndcgAt10: number;
  recallAt50: number;
  evaluated: number;
}

export interface EvaluationReport {
  model: OfflineMetrics;
  popularity: OfflineMetrics;
}

/**
 * NDCG@k is the contracts' one definition (the gateway and the drill scorecard use the same), so an
 * offline figure and a served figure are comparable: an item ranked twice counts once.
 */
export { ndcgAtK };

export function recallAtK(ranked: ArrayLike<number | string>, relevant: ReadonlySet<number | string>, k = 50): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i])) hits++;
  return hits / relevant.size;
}

/** Items ordered by purchases in the training sessions (ties by index). */
export function popularityRanking(world: World): number[] {
  const counts = new Float64Array(world.params.items);
  for (const s of world.train) {
    counts[s.purchased] += 1;
    for (const c of s.clicked) counts[c] += 0.3;
  }
  return Array.from(counts.keys()).sort((a, b) => counts[b] - counts[a] || a - b);
}

export function evaluationSample(world: World, max: number): Session[] {
  const step = Math.max(1, Math.floor(world.heldOut.length / max));
  const out: Session[] = [];
  for (let i = 0; i < world.heldOut.length && out.length < max; i += step) out.push(world.heldOut[i]);
  return out;
}

export async function evaluate(world: World, scorer: OnnxScorer, opts: { maxSessions?: number; batch?: number } = {}): Promise<EvaluationReport> {
  const sessions = evaluationSample(world, opts.maxSessions ?? 2000);
  const batch = opts.batch ?? 64;
  const popular = popularityRanking(world).slice(0, 50);
  const acc = { model: { n: 0, r: 0 }, pop: { n: 0, r: 0 } };
  for (let start = 0; start < sessions.length; start += batch) {
    const chunk = sessions.slice(start, start + batch);
    const results = await scorer.score(
      chunk.map((s) => ({ userRow: s.user + 1, query: s.query })),
      50,
    );
    chunk.forEach((s, j) => {
      // One purchase per held-out session, so there is always ground truth and NDCG is never null here.
      const rel = new Set([s.purchased]);
      acc.model.n += ndcgAtK(results[j].indices, rel, 10) ?? 0;
      acc.model.r += recallAtK(results[j].indices, rel, 50);
      acc.pop.n += ndcgAtK(popular, rel, 10) ?? 0;
      acc.pop.r += recallAtK(popular, rel, 50);
    });
  }
  const n = sessions.length;
  return {
    model: { ndcgAt10: acc.model.n / n, recallAt50: acc.model.r / n, evaluated: n },
    popularity: { ndcgAt10: acc.pop.n / n, recallAt50: acc.pop.r / n, evaluated: n },
  };
}
