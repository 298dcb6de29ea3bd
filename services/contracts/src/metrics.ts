/**
 * The metric contract shared by the inference service, the gateway, the alert and dashboard
 * generators, the plugins and the scorecards. Names are in base units (seconds, bytes, ratios).
 * Changing a name or a label here is a breaking change for every consumer.
 */

/** OpenTelemetry's advisory buckets for HTTP server duration; every SLO latency threshold must be one of them. */
export const HTTP_DURATION_BUCKETS_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;

/** Buckets for in-process inference timings (batch execution, queueing). */
export const INFERENCE_DURATION_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5,
] as const;

export const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const;

/**
 * `recsys_model_load_failures_total{reason}` values a replica knows in advance (the fault, the registry's
 * refusals, any other error). A replica creates them at 0 when it starts, so `increase()` sees the first
 * refusal (RecsysModelLoadFailed) even from a Prometheus that started after it.
 */
export const MODEL_LOAD_FAILURE_REASONS = ['fault', 'error', 'ModelNotFound', 'ModelIntegrityError', 'ModelSignatureError', 'ModelDecryptError'] as const;

export const METRIC = {
  httpServerDuration: 'http_server_request_duration_seconds',
  inferenceRequests: 'inference_requests_total',
  inferenceDuration: 'inference_request_duration_seconds',
  inferenceQueueDuration: 'inference_queue_duration_seconds',
  inferenceBatchSize: 'inference_batch_size',
  inferencePending: 'inference_pending_requests',
  fallback: 'recsys_fallback_total',
  modelInfo: 'recsys_model_info',
  acceleratorUtilization: 'accelerator_utilization_ratio',
  acceleratorMemoryUsed: 'accelerator_memory_used_bytes',
  acceleratorMemoryTotal: 'accelerator_memory_total_bytes',
  acceleratorPresent: 'accelerator_gpu_present',
  driftKl: 'recsys_input_drift_kl_divergence',
  driftPsi: 'recsys_input_drift_psi',
  driftWindowSamples: 'recsys_input_drift_window_samples',
  servedNdcg: 'recsys_served_ndcg',
  activeFaults: 'recsys_active_faults',
  shedRequests: 'recsys_shed_requests_total',
  modelLoadFailures: 'recsys_model_load_failures_total',
  registryRestores: 'recsys_registry_restores_total',
  modelReady: 'recsys_model_ready',
  cpuSaturation: 'recsys_cpu_saturation_ratio',
  // gateway
  gatewayUpstreamUp: 'gateway_upstream_up',
  gatewayUpstreamEjected: 'gateway_upstream_ejected',
  gatewayRetries: 'gateway_retries_total',
  gatewayEjections: 'gateway_ejections_total',
  gatewayUpstreamRequests: 'gateway_upstream_requests_total',
  gatewayCanaryWeight: 'gateway_canary_weight_ratio',
  gatewayCanaryDecisions: 'gateway_canary_decisions_total',
  gatewayInFlight: 'gateway_in_flight_requests',
  // drill controller
  drillScore: 'drillbook_drill_score',
  drillStatus: 'drillbook_drill_status',
  drillTimeToRecover: 'drillbook_time_to_recover_seconds',
  drillTimeToDetect: 'drillbook_time_to_detect_seconds',
  drillBudgetConsumed: 'drillbook_error_budget_consumed_ratio',
  drillInProgress: 'drillbook_drill_in_progress',
} as const;

/** Label names of the contract metrics, in the order documented in DESIGN.md. */
export const METRIC_LABELS = {
  // OpenTelemetry HTTP semantic conventions: url_scheme is required, error_type conditionally required
  // (set when the request ended in an error: 5xx); synthetic is Drillbook's drill/load marker.
  [METRIC.httpServerDuration]: ['http_request_method', 'http_route', 'http_response_status_code', 'synthetic', 'url_scheme', 'error_type'],
  [METRIC.inferenceRequests]: ['model', 'version', 'result', 'reason'],
  [METRIC.inferenceDuration]: ['model', 'version'],
  [METRIC.inferenceQueueDuration]: ['model', 'version'],
  [METRIC.inferenceBatchSize]: ['model', 'version'],
  [METRIC.inferencePending]: ['model', 'version'],
  [METRIC.fallback]: ['model', 'reason'],
  [METRIC.modelInfo]: ['model', 'version', 'sha256'],
  [METRIC.acceleratorUtilization]: ['device', 'kind'],
} as const;

/** Header that marks drill/load traffic; SLIs exclude it, scorecards measure exactly it. */
export const SYNTHETIC_HEADER = 'x-synthetic';
/** Header carrying the held-out ground-truth item ids of a request, so served quality can be scored. */
export const GROUND_TRUTH_HEADER = 'x-ground-truth';
/** Header carrying the replica that answered (set by replicas, passed through by the gateway). */
export const REPLICA_HEADER = 'x-drillbook-replica';

/** Reasons recorded on `recsys_fallback_total` and on degraded responses. */
export const FALLBACK_REASONS = [
  'model_unavailable',
  'model_error',
  'deadline',
  'dependency',
  'overload',
  'no_upstream',
] as const;
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

/** NVIDIA DCGM exporter series read for GPU views when an exporter runs. */
export const DCGM = {
  gpuUtil: 'DCGM_FI_DEV_GPU_UTIL',
  grEngineActive: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
  fbUsed: 'DCGM_FI_DEV_FB_USED',
  fbFree: 'DCGM_FI_DEV_FB_FREE',
} as const;

/**
 * `error_type` of `http_server_request_duration_seconds` (OTel `error.type`): the status code as a
 * string when the server answered with a 5xx, empty (no error) otherwise. 4xx are the client's
 * errors, not the server's, and carry no error type on a server span or metric.
 */
export function httpServerErrorType(status: number): string {
  return status >= 500 && status <= 599 ? String(status) : '';
}

/**
 * `url_scheme` (OTel `url.scheme`) of a request: `https` on a TLS socket, else `http`, unless a
 * proxy in front said otherwise in `x-forwarded-proto` (its first value, only `http` or `https`).
 */
export function httpUrlScheme(encrypted: boolean, forwardedProto?: string | string[]): 'http' | 'https' {
  const first = (Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto)?.split(',')[0]?.trim().toLowerCase();
  if (first === 'http' || first === 'https') return first;
  return encrypted ? 'https' : 'http';
}
