/**
 * Selectors for the reference service, built from the same job names and route the generated
 * alerts use (`@drillbook/alerts`), so dashboards and alerts read the same series.
 */
import { METRIC } from '@drillbook/contracts';
import { RECSYS_REFERENCE } from '@drillbook/alerts';

const { jobs, route } = RECSYS_REFERENCE;

/** The gateway's /v1/recommend requests (client-visible), optionally narrowed by more matchers. */
export const recommend = (extra = ''): string =>
  `{job="${jobs.gateway}", http_route="${route}"${extra ? `, ${extra}` : ''}}`;

export const GATEWAY = `{job="${jobs.gateway}"}`;
/** Replicas, narrowed by the `$replica` variable. */
export const REPLICAS = `{job="${jobs.replica}", replica=~"$replica"}`;
export const ALL_REPLICAS = `{job="${jobs.replica}"}`;
export const FALLBACK = `${METRIC.fallback}{job=~"${jobs.gateway}|${jobs.replica}"}`;
export const REQUESTS = `${METRIC.httpServerDuration}_count`;
export const BUCKETS = `${METRIC.httpServerDuration}_bucket`;

/** `histogram_quantile(q, …)` of the gateway's /v1/recommend latency, optionally by more labels. */
export function latencyQuantile(q: number, extra = '', by: string[] = []): string {
  return `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (rate(${BUCKETS}${recommend(extra)}[$__rate_interval])))`;
}
