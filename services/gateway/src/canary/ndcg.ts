/**
 * Served ranking quality: the ground truth a request carries in `x-ground-truth` (the held-out
 * purchases of the session), scored with the contracts' `ndcgAtK` (NDCG@10, binary relevance).
 *
 * Header format: item ids separated by commas (`i-12,i-907`); a JSON array of strings is accepted too.
 */

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
