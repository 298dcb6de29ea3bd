/**
 * The requests of one mix, prepared once through the target's protocol adapter: method, path, body
 * and headers per template, so sending one at 1,000 req/s costs no JSON encoding.
 */
import { validateHeaderValue } from 'node:http';
import { GROUND_TRUTH_HEADER, SYNTHETIC_HEADER, type LoadRequestTemplate } from '@drillbook/contracts';
import type { Adapter } from '../adapters.js';
import { InvalidLoadPlan } from '../errors.js';

export interface PreparedRequest {
  method: string;
  /** Path relative to the target's base URL (its own path prefix is added by the engine). */
  path: string;
  /** A string, not a Buffer: Node then sends headers and body in one write instead of a writev. */
  body: string | null;
  headers: Record<string, string | number>;
  groundTruth: ReadonlySet<string>;
}

/** Refuses ground truth that cannot travel in its header (synchronously, before the engine starts). */
export function checkGroundTruth(templates: readonly LoadRequestTemplate[], mix: string): void {
  templates.forEach((t, i) => {
    try {
      validateHeaderValue(GROUND_TRUTH_HEADER, t.groundTruth.join(','));
    } catch {
      throw new InvalidLoadPlan(`${mix}[${i}].groundTruth`, `item ids that fit in the ${GROUND_TRUTH_HEADER} header (no control characters or non-Latin-1 text)`, 'sessions');
    }
  });
}

/** @param mix which list of the sessions file, for error messages */
export function prepareRequests(adapter: Adapter, templates: readonly LoadRequestTemplate[], k: number, host: string, mix: string): PreparedRequest[] {
  return templates.map((t, i) => {
    const groundTruth = t.groundTruth.join(',');
    try {
      validateHeaderValue(GROUND_TRUTH_HEADER, groundTruth);
    } catch {
      throw new InvalidLoadPlan(`${mix}[${i}].groundTruth`, `item ids that fit in the ${GROUND_TRUTH_HEADER} header (no control characters or non-Latin-1 text)`, 'sessions');
    }
    const built = adapter.build({ userId: t.userId, query: t.query, k: t.k ?? k });
    const headers: Record<string, string | number> = { host, ...built.headers, [SYNTHETIC_HEADER]: 'true', [GROUND_TRUTH_HEADER]: groundTruth };
    for (const [name, value] of Object.entries(built.headers)) {
      try {
        validateHeaderValue(name, value);
      } catch {
        throw new InvalidLoadPlan(`${mix}[${i}]`, `a session whose values fit in the ${name} header of the protocol's template`, 'sessions');
      }
    }
    if (built.body !== null) headers['content-length'] = Buffer.byteLength(built.body);
    return { method: built.method, path: built.path, body: built.body, headers, groundTruth: new Set(t.groundTruth) };
  });
}
