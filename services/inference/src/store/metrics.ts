/** Model store and replica cache metrics (contract: MODEL_STORE_METRIC in @drillbook/contracts). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { MODEL_FETCH_BUCKETS_SECONDS, MODEL_STORE_ERROR_REASONS, MODEL_STORE_METRIC as M, MODEL_STORE_METRIC_LABELS as L } from '@drillbook/contracts';

export type StoreMetrics = ReturnType<typeof createStoreMetrics>;

export function createStoreMetrics(registry: Registry, model: string) {
  const labels = (k: keyof typeof L) => [...L[k]] as string[];
  const m = {
    cacheHits: new Counter({ name: M.cacheHits, help: 'Model versions found verified in the replica cache.', labelNames: labels(M.cacheHits), registers: [registry] }),
    cacheMisses: new Counter({ name: M.cacheMisses, help: 'Model versions fetched from the model store because the cache did not have them (or had them damaged, or is off).', labelNames: labels(M.cacheMisses), registers: [registry] }),
    cacheEvictions: new Counter({ name: M.cacheEvictions, help: 'Model versions evicted from the cache (least recently used first) to stay under its size bound.', labelNames: labels(M.cacheEvictions), registers: [registry] }),
    cacheBytes: new Gauge({ name: M.cacheBytes, help: 'Bytes held by the replica model cache.', labelNames: labels(M.cacheBytes), registers: [registry] }),
    storeErrors: new Counter({ name: M.storeErrors, help: 'Model store failures by reason: unreachable, missing, integrity (sha256), signature.', labelNames: labels(M.storeErrors), registers: [registry] }),
    fetchDuration: new Histogram({ name: M.fetchDuration, help: 'Time to fetch and verify one model version from the store, seconds.', labelNames: labels(M.fetchDuration), buckets: [...MODEL_FETCH_BUCKETS_SECONDS], registers: [registry] }),
    fetchResumes: new Counter({ name: M.fetchResumes, help: 'Artefact downloads resumed with a range request after a cut connection.', labelNames: labels(M.fetchResumes), registers: [registry] }),
  };
  // Zero-initialise so rate() and absence alerts work before the first event.
  m.cacheHits.inc({ model }, 0);
  m.cacheMisses.inc({ model }, 0);
  m.cacheEvictions.inc({ model }, 0);
  m.fetchResumes.inc({ model }, 0);
  for (const reason of MODEL_STORE_ERROR_REASONS) m.storeErrors.inc({ model, reason }, 0);
  return m;
}
