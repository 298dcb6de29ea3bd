/**
 * The requests of one mix, prepared once: body bytes, headers and ground truth per template, so
 * sending one at 1,000 req/s costs no JSON encoding.
 */
import { validateHeaderValue } from 'node:http';
import { GROUND_TRUTH_HEADER, SYNTHETIC_HEADER, type LoadRequestTemplate } from '@drillbook/contracts';
import { InvalidLoadPlan } from '../errors.js';

export interface PreparedRequest {
  /** A string, not a Buffer: Node then sends headers and body in one write instead of a writev. */
  body: string;
  headers: Record<string, string | number>;
  groundTruth: ReadonlySet<string>;
}

/** @param mix which list of the sessions file, for error messages */
export function prepareRequests(templates: readonly LoadRequestTemplate[], k: number, host: string, mix: string): PreparedRequest[] {
  return templates.map((t, i) => {
    const groundTruth = t.groundTruth.join(',');
    try {
      validateHeaderValue(GROUND_TRUTH_HEADER, groundTruth);
    } catch {
      throw new InvalidLoadPlan(`${mix}[${i}].groundTruth`, `item ids that fit in the ${GROUND_TRUTH_HEADER} header (no control characters or non-Latin-1 text)`, 'sessions');
    }
    const body = JSON.stringify({ userId: t.userId, query: t.query, k });
    return {
      body,
      headers: {
        host,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        [SYNTHETIC_HEADER]: 'true',
        [GROUND_TRUTH_HEADER]: groundTruth,
      },
      groundTruth: new Set(t.groundTruth),
    };
  });
}

export interface RecommendOutcome {
  degraded: boolean;
  itemIds: string[];
}

/** A 2xx body as a RecommendResponse, or null when it is not one (then it is not scored). */
export function parseRecommendBody(body: string): RecommendOutcome | null {
  try {
    const r = JSON.parse(body) as { items?: unknown; degraded?: unknown };
    if (!r || !Array.isArray(r.items)) return null;
    return { degraded: r.degraded === true, itemIds: r.items.map((i: { itemId?: unknown }) => String(i?.itemId)) };
  } catch {
    return null;
  }
}
