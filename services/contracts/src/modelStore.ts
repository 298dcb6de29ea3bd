/**
 * Metric contract of the model store and the replica cache (issue 23): names in base units, labels
 * fixed. Replicas export them; the dashboards and the store alerts read them.
 */
export const MODEL_STORE_METRIC = {
  /** A version asked for was already in the replica's verified cache. */
  cacheHits: 'recsys_model_cache_hits_total',
  /** A version asked for had to be fetched from the store. */
  cacheMisses: 'recsys_model_cache_misses_total',
  /** Versions removed from the cache to keep it under its size bound (least recently used first). */
  cacheEvictions: 'recsys_model_cache_evictions_total',
  /** Bytes the cache holds now. */
  cacheBytes: 'recsys_model_cache_bytes',
  /** Store requests or artefacts that failed, by reason (unreachable | missing | integrity | signature). */
  storeErrors: 'recsys_model_store_errors_total',
  /** Time to fetch one version (manifest + artefacts, verification included), seconds. */
  fetchDuration: 'recsys_model_store_fetch_duration_seconds',
  /** Artefact downloads that continued from a partial file with an HTTP range request. */
  fetchResumes: 'recsys_model_store_fetch_resumes_total',
} as const;

export const MODEL_STORE_METRIC_LABELS = {
  [MODEL_STORE_METRIC.cacheHits]: ['model'],
  [MODEL_STORE_METRIC.cacheMisses]: ['model'],
  [MODEL_STORE_METRIC.cacheEvictions]: ['model'],
  [MODEL_STORE_METRIC.cacheBytes]: ['model'],
  [MODEL_STORE_METRIC.storeErrors]: ['model', 'reason'],
  [MODEL_STORE_METRIC.fetchDuration]: ['model'],
  [MODEL_STORE_METRIC.fetchResumes]: ['model'],
} as const;

export const MODEL_STORE_ERROR_REASONS = ['unreachable', 'missing', 'integrity', 'signature'] as const;
export type ModelStoreErrorReason = (typeof MODEL_STORE_ERROR_REASONS)[number];

/** Fetch-time buckets: a small model in milliseconds, a large one over a slow link in tens of seconds. */
export const MODEL_FETCH_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;
