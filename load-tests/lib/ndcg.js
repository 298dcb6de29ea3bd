// NDCG@k with binary relevance (an item is relevant when it is in the held-out ground truth).
// Same definition and rules as services/contracts/src/ndcg.ts (no ground truth -> null, an item served
// twice counts once); load-tests/lib/lib.test.ts checks that both agree.

/**
 * @param {readonly string[]} served item ids in ranked order
 * @param {readonly string[]} groundTruth relevant item ids
 * @param {number} [k]
 * @returns {number | null} null when there is no ground truth to score against
 */
export function ndcgAtK(served, groundTruth, k = 10) {
  const truth = new Set(groundTruth);
  if (truth.size === 0) return null;
  const seen = new Set();
  let dcg = 0;
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
