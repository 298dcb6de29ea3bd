/**
 * Names, labels and buckets of the gateway's metrics. Names come from the shared contract
 * (`METRIC` in @drillbook/contracts) so dashboards and alerts read the same series.
 */
import { ADMIN_PATHS, HTTP_DURATION_BUCKETS_SECONDS, METRIC, METRIC_LABELS, type OipRoute } from '@drillbook/contracts';

export const GATEWAY_METRIC = {
  httpServerDuration: METRIC.httpServerDuration,
  upstreamUp: METRIC.gatewayUpstreamUp,
  upstreamEjected: METRIC.gatewayUpstreamEjected,
  retries: METRIC.gatewayRetries,
  ejections: METRIC.gatewayEjections,
  upstreamRequests: METRIC.gatewayUpstreamRequests,
  canaryWeight: METRIC.gatewayCanaryWeight,
  canaryDecisions: METRIC.gatewayCanaryDecisions,
  inFlight: METRIC.gatewayInFlight,
  servedNdcg: METRIC.servedNdcg,
  shedRequests: METRIC.shedRequests,
  fallback: METRIC.fallback,
} as const;

export const HTTP_DURATION_LABELS = METRIC_LABELS[METRIC.httpServerDuration];
export const HTTP_BUCKETS = [...HTTP_DURATION_BUCKETS_SECONDS];

/** NDCG@10 lies in [0, 1]; tenths are enough to see a ranking regression and keep the series count low. */
export const NDCG_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** `http_route` values the gateway serves; anything else is recorded as `unmatched`. */
export const ROUTE = {
  recommend: '/v1/recommend',
  popular: '/v1/popular',
  healthz: '/healthz',
  readyz: '/readyz',
  metrics: '/metrics',
  adminUpstreams: ADMIN_PATHS.upstreams,
  adminCanary: ADMIN_PATHS.canary,
  unmatched: 'unmatched',
} as const;
/** Also the Open Inference Protocol's route templates (`OIP_ROUTE`, e.g. `/v2/models/{model}/infer`). */
export type Route = (typeof ROUTE)[keyof typeof ROUTE] | OipRoute;
