/** Public surface of @drillbook/gateway. */
export { Gateway, type GatewayOptions } from './Gateway.js';
export {
  parseConfig,
  gatewayConfigEnv,
  parseUpstreams,
  DEFAULT_CANARY,
  DEFAULT_HEALTH_CHECK,
  DEFAULT_OUTLIER,
  type GatewayConfig,
  type GatewayConfigInput,
  type UpstreamConfig,
  type HealthCheckConfig,
  type OutlierConfig,
  type CanaryConfig,
  type BalancerKind,
} from './config.js';
export { GatewayError, ConfigError, BadRequestError, ConflictError, UpstreamError, ReplicaAdminError } from './errors.js';
export { GATEWAY_METRIC, NDCG_BUCKETS } from './telemetry/metricNames.js';
export { parseGroundTruth } from './canary/ndcg.js';
export { ndcgAtK, NDCG_K } from '@drillbook/contracts';
export { analyseCanary, type CanaryVerdict } from './canary/analysis.js';
export { ATTEMPTS_HEADER } from './http/Proxy.js';
export { createLogger } from './logger.js';
