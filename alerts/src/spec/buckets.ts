/**
 * Histogram bucket lint: a latency SLI counts `le` buckets, and a threshold that is not an exact
 * bucket boundary selects no series at all (the SLI would read 100% bad, or nothing). The bucket
 * layouts come from the metric contract.
 */
import {
  BATCH_SIZE_BUCKETS,
  HTTP_DURATION_BUCKETS_SECONDS,
  INFERENCE_DURATION_BUCKETS_SECONDS,
  METRIC,
} from '@drillbook/contracts';
import type { Selector } from '../promql/selector.js';

export const HISTOGRAM_BUCKETS: Readonly<Record<string, readonly number[]>> = {
  [METRIC.httpServerDuration]: HTTP_DURATION_BUCKETS_SECONDS,
  [METRIC.inferenceDuration]: INFERENCE_DURATION_BUCKETS_SECONDS,
  [METRIC.inferenceQueueDuration]: INFERENCE_DURATION_BUCKETS_SECONDS,
  [METRIC.inferenceBatchSize]: BATCH_SIZE_BUCKETS,
};

/** The `le` label values a prom-client histogram exposes for these buckets. */
export function bucketLabels(buckets: readonly number[]): string[] {
  return [...buckets.map((b) => String(b)), '+Inf'];
}

export function histogramOf(sel: Selector): string | null {
  return sel.metric.endsWith('_bucket') ? sel.metric.slice(0, -'_bucket'.length) : null;
}

/** Returns why a `_bucket` selector is unusable, or null when it selects exactly one bucket boundary. */
export function lintBucketSelector(sel: Selector): string | null {
  const histogram = histogramOf(sel);
  if (!histogram) return null;
  const buckets = HISTOGRAM_BUCKETS[histogram];
  if (!buckets) return `no bucket layout is known for histogram ${histogram} in the metric contract`;
  const le = sel.matchers.filter((m) => m.label === 'le');
  if (le.length !== 1 || le[0].op !== '=') return `${sel.metric} needs exactly one exact le="..." matcher (the latency threshold)`;
  const allowed = bucketLabels(buckets);
  if (!allowed.includes(le[0].value)) {
    return `latency threshold le="${le[0].value}" is not a bucket of ${histogram}; buckets are ${allowed.join(', ')}`;
  }
  return null;
}
