/**
 * HTTP API of an inference replica (and of the gateway, which serves the same `/v1/recommend`).
 */
import type { FallbackReason } from './metrics.js';

export interface RecommendRequest {
  /** Known user id, e.g. "u-42". */
  userId: string;
  /** Free-text search query; omitted = pure recommendation. */
  query?: string;
  /** Number of items, 1..100. */
  k: number;
}

export interface RecommendedItem {
  itemId: string;
  score: number;
}

export interface RecommendResponse {
  items: RecommendedItem[];
  model: string;
  /** Version that produced the ranking; for a degraded answer, the version that should have. */
  modelVersion: string | null;
  /** True when the answer came from the popularity fallback or a reduced model (not an error, not a success). */
  degraded: boolean;
  reason?: FallbackReason;
  /** Replica id that answered (`gateway` when the gateway answered from its own fallback). */
  replica: string;
  traceId?: string;
}

/** `GET /readyz` body (200 when ready, 503 otherwise; same body). */
export interface ReadinessBody {
  ready: boolean;
  replica: string;
  zone: string;
  model: { name: string; version: string; sha256: string } | null;
  /** Why not ready, when not. */
  reason?: string;
}

/** `GET /admin/model` and the answer of deploy/rollback. */
export interface ModelState {
  replica: string;
  serving: { name: string; version: string; sha256: string } | null;
  /** Versions served before, newest last (rollback goes to the last one). */
  history: string[];
  /** Versions present in the local registry. */
  available: string[];
}

/** `POST /admin/model` body. */
export interface DeployRequest {
  version: string;
}

/** `GET /v1/popular`: the popularity fallback list, for the gateway's last-resort answers. */
export interface PopularResponse {
  model: string;
  items: RecommendedItem[];
}

/** One held-out request for load generation: drawn from the synthetic world, with its ground truth. */
export interface LoadRequestTemplate {
  userId: string;
  query: string;
  /** Items the user purchased in the held-out session (NDCG@10 relevance). */
  groundTruth: string[];
  category: string;
  segment: string;
  /** Items to ask for in this request (user-supplied JSONL sessions); default the drill's `load.k`. */
  k?: number;
}

/** File written by `model:build` next to the model and read by both load engines (k6 via `open()`). */
export interface LoadSessionsFile {
  schemaVersion: 1;
  world: { seed: number; items: number; users: number };
  /** Held-out sessions with the training distribution of categories and user segments. */
  training: LoadRequestTemplate[];
  /** Held-out sessions resampled with a shifted category/segment mix (data-drift drills). */
  drifted: LoadRequestTemplate[];
}
