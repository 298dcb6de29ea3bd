/**
 * NDCG@k with binary relevance, the one definition every part of Drillbook scores ranking quality
 * with: the gateway's served-quality metric and canary, the load engines' per-request samples (and
 * so the scorecard), and the offline evaluation of a built model. `load-tests/lib/ndcg.js` is the
 * ES2017 copy the k6 scripts need; a test checks that it agrees with this one.
 *
 * The rules:
 * - an item is relevant when it is in the ground truth (the request's held-out purchases);
 * - no ground truth means no data: the result is `null`, never 0, so a request without ground
 *   truth does not drag a quality average down;
 * - an item served twice counts once (at its first, best position);
 * - only the first `k` served items count; the ideal ranking puts min(k, |ground truth|) relevant
 *   items first.
 */

/** The cut-off every NDCG figure in Drillbook uses unless told otherwise. */
export const NDCG_K = 10;

/** NDCG@k of a ranking against its ground truth; null when there is no ground truth to score against. */
export function ndcgAtK<T>(ranked: ArrayLike<T>, groundTruth: ReadonlySet<T> | readonly T[], k: number = NDCG_K): number | null {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`NDCG cut-off k must be a positive integer, got ${k}`);
  const truth: ReadonlySet<T> = groundTruth instanceof Set ? groundTruth : new Set(groundTruth as readonly T[]);
  if (truth.size === 0) return null;
  const seen = new Set<T>();
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    const id = ranked[i];
    if (truth.has(id) && !seen.has(id)) dcg += 1 / Math.log2(i + 2);
    seen.add(id);
  }
  let idcg = 0;
  const ideal = Math.min(k, truth.size);
  for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}
