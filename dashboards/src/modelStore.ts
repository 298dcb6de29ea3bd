/**
 * Model store and replica cache view (issue 23): cache hits and misses per replica, store errors by
 * reason (unreachable, missing, integrity, signature), fetch time, resumed downloads, cache size
 * and evictions. Reads MODEL_STORE_METRIC from the contract, like the replicas export it.
 */
import { MODEL_STORE_METRIC as M } from '@drillbook/contracts';
import { RECSYS_REFERENCE } from '@drillbook/alerts';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { drillAnnotations } from './common/annotations.js';
import { baseDashboard } from './common/dashboard.js';
import { GREEN, ORANGE, RED, stat, timeseries } from './common/panels.js';
import { ALL_REPLICAS, REPLICAS } from './common/selectors.js';
import { labelVariable } from './common/variables.js';

export const MODEL_STORE_UID = 'drillbook-model-store';

const inc = (metric: string, by: string) => `sum by (${by}) (increase(${metric}${REPLICAS}[$__rate_interval]))`;

export function modelStore(): Dashboard {
  return baseDashboard({
    uid: MODEL_STORE_UID,
    title: 'Recsys model store',
    description: 'Model distribution: the replicas\' verified model cache (hits, misses, size, evictions) and their fetches from the model store (errors by reason, fetch time, resumed downloads).',
    tags: ['model-store'],
  })
    .withVariable(labelVariable({ name: 'replica', label: 'Replica', series: `${M.cacheHits}${ALL_REPLICAS}`, labelName: 'replica', includeAll: true }))
    .annotation(drillAnnotations())
    .withRow(new RowBuilder('Store'))
    .withPanel(
      stat({
        title: 'Refused artefacts (sha256 or signature), last hour',
        description: 'Artefacts or manifests from the store that failed verification. They were never cached nor served; any value above 0 means a corrupted or tampered store object (alert RecsysModelStoreArtifactRefused).',
        queries: [{ expr: `sum(increase(${M.storeErrors}{job="${RECSYS_REFERENCE.jobs.replica}", reason=~"integrity|signature"}[1h])) or vector(0)`, legend: 'refused' }],
        w: 8,
        h: 5,
        thresholds: [
          { value: null, color: GREEN },
          { value: 1, color: RED },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Store errors by reason',
        description: 'Failed store requests per replica and reason: unreachable (connection refused, cut, 5xx), missing (404), integrity (sha256), signature.',
        queries: [{ expr: inc(M.storeErrors, 'replica, reason'), legend: '{{replica}} {{reason}}' }],
        w: 16,
        h: 8,
        min: 0,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Fetch time (p95) and resumed downloads',
        description: 'Time to fetch and verify one version from the store, 95th percentile per replica; and downloads resumed with an HTTP range request after a cut connection.',
        queries: [
          { expr: `histogram_quantile(0.95, sum by (le, replica) (rate(${M.fetchDuration}_bucket${REPLICAS}[$__rate_interval])))`, legend: '{{replica}} p95 fetch' },
          { expr: inc(M.fetchResumes, 'replica'), legend: '{{replica}} resumes' },
        ],
        unit: 's',
        w: 24,
        h: 8,
        min: 0,
      }),
    )
    .withRow(new RowBuilder('Replica cache'))
    .withPanel(
      timeseries({
        title: 'Cache hits and misses',
        description: 'Versions found verified in each replica\'s cache (hits) and versions fetched from the store (misses: not cached, damaged, or the cache is off).',
        queries: [
          { expr: inc(M.cacheHits, 'replica'), legend: '{{replica}} hits' },
          { expr: inc(M.cacheMisses, 'replica'), legend: '{{replica}} misses' },
        ],
        w: 12,
        h: 8,
        min: 0,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Cache size and evictions',
        description: 'Bytes each replica\'s model cache holds (bounded by MODEL_CACHE_MAX_BYTES) and versions evicted, least recently used first.',
        queries: [
          { expr: `sum by (replica) (${M.cacheBytes}${REPLICAS})`, legend: '{{replica}} bytes' },
          { expr: inc(M.cacheEvictions, 'replica'), legend: '{{replica}} evictions' },
        ],
        unit: 'bytes',
        w: 12,
        h: 8,
        min: 0,
        thresholds: [
          { value: null, color: GREEN },
          { value: 1, color: ORANGE },
        ],
      }),
    )
    .build();
}
