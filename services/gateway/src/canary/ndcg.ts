/**
 * Served ranking quality: NDCG@10 of a response against the ground truth a request carries in
 * `x-ground-truth` (the held-out purchases of the session, binary relevance).
 *
 * Header format: item ids separated by commas (`i-12,i-907`); a JSON array of strings is accepted too.
 */

export const NDCG_K = 10;
const MAX_GROUND_TRUTH = 1_000;

/** Parses the `x-ground-truth` header; null when absent, empty or unreadable. */
export function parseGroundTruth(header: string | string[] | undefined): Set<string> | null {
  if (header === undefined) return null;
  const raw = (Array.isArray(header) ? header.join(',') : header).trim();
  if (raw.length === 0) return null;
  let ids: string[];
  if (raw.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!Array.isArray(parsed)) return null;
      ids = parsed.filter((x): x is string => typeof x === 'string');
    } catch {
      return null;
    }
  } else {
    ids = raw.split(',');
  }
  const set = new Set<string>();
  for (const id of ids) {
    const t = id.trim();
    if (t.length > 0) set.add(t);
    if (set.size >= MAX_GROUND_TRUTH) break;
  }
  return set.size === 0 ? null : set;
}

const DISCOUNT = Array.from({ length: NDCG_K }, (_, i) => 1 / Math.log2(i + 2));

/** NDCG@k with binary relevance: DCG of the ranking over the DCG of a perfect ranking of the relevant items. */
export function ndcgAtK(rankedIds: readonly string[], relevant: ReadonlySet<string>, k = NDCG_K): number {
  if (relevant.size === 0) return 0;
  const n = Math.min(k, NDCG_K);
  let dcg = 0;
  const seen = new Set<string>();
  for (let i = 0; i < Math.min(n, rankedIds.length); i++) {
    const id = rankedIds[i];
    if (relevant.has(id) && !seen.has(id)) dcg += DISCOUNT[i];
    seen.add(id);
  }
  let ideal = 0;
  for (let i = 0; i < Math.min(n, relevant.size); i++) ideal += DISCOUNT[i];
  return dcg / ideal;
}
