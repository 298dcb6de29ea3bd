/**
 * NDCG@k with binary relevance: an item is relevant when it is in the request's held-out ground
 * truth. The same function is written in JavaScript for the k6 scripts (`load-tests/lib/ndcg.js`);
 * a test checks that both agree.
 */
export function ndcgAtK(served: readonly string[], groundTruth: ReadonlySet<string> | readonly string[], k = 10): number | null {
  const truth = groundTruth instanceof Set ? groundTruth : new Set(groundTruth as readonly string[]);
  if (truth.size === 0) return null;
  let dcg = 0;
  const seen = new Set<string>();
  const n = Math.min(k, served.length);
  for (let i = 0; i < n; i++) {
    const id = served[i];
    if (truth.has(id) && !seen.has(id)) dcg += 1 / Math.log2(i + 2);
    seen.add(id);
  }
  let idcg = 0;
  const ideal = Math.min(k, truth.size);
  for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}
