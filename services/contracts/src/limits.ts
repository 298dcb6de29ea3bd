/**
 * The finite range of every number a runbook can carry, in one table. The runbook JSON Schema
 * (`schemas.ts`) takes its minimum/maximum from here, the validator its per-SLI ranges, and the load
 * engines their admission bounds, so a value like `1e308`, `.nan` or `.inf` is refused with the field
 * named before anything runs. Non-finite numbers (NaN, ±Infinity) are never valid anywhere.
 */
import type { ObjectiveSli } from './runbook.js';

export interface Range {
  min: number;
  max: number;
  /** `min` itself is not allowed (a rate of 0 is no load). */
  exclusiveMin?: boolean;
  integer?: boolean;
}

/** Longest duration any runbook field may name ("24h"). */
export const MAX_DURATION_MS = 24 * 3_600_000;

export const LIMITS = {
  /** Requests per second of any phase (load.rate, load.phaseRates.*, load.quick.rate). */
  rate: { min: 0, max: 100_000, exclusiveMin: true },
  /** Items per recommendation call. */
  k: { min: 1, max: 100, integer: true },
  /** Objective weight. */
  weight: { min: 0, max: 100, exclusiveMin: true },
  /** Replicas / zones a step may act on. */
  blastReplicas: { min: 0, max: 1000, integer: true },
  blastZones: { min: 0, max: 100, integer: true },
  /** Any objective target, before the per-SLI range below. */
  objectiveTarget: { min: 0, max: 1e9 },
  /** Any abort-condition threshold, before the per-SLI range below. */
  abortThreshold: { min: 0, max: 600_000 },
  /** A probe's or detection signal's expected metric value (gauges may be negative). */
  expectValue: { min: -1e15, max: 1e15 },
  /** HTTP status a probe expects. */
  expectStatus: { min: 100, max: 599, integer: true },
  /** Fault parameters. */
  faultRate: { min: 0, max: 1 },
  faultLatencyMs: { min: 0, max: 600_000 },
  faultJitterMs: { min: 0, max: 600_000 },
  faultStatus: { min: 500, max: 599, integer: true },
  faultThreads: { min: 1, max: 64, integer: true },
  faultExitCode: { min: 0, max: 255, integer: true },
  canaryWeight: { min: 0, max: 1, exclusiveMin: true },
  minErrorBudget: { min: 0, max: 1 },
  /** Embedded-stack settings. */
  stackReplicas: { min: 1, max: 12, integer: true },
  gatewayMaxInFlight: { min: 1, max: 100_000, integer: true },
  replicaMaxQueue: { min: 1, max: 1_000_000, integer: true },
  replicaDeadlineMs: { min: 1, max: 600_000, integer: true },
  replicaFeatureTimeoutMs: { min: 1, max: 600_000, integer: true },
  replicaMaxBatch: { min: 1, max: 1024, integer: true },
  replicaBatchMs: { min: 0, max: 10_000, integer: true },
  replicaDriftWindow: { min: 10, max: 1_000_000, integer: true },
  replicaMaxDelayMs: { min: 0, max: 1000, integer: true },
  replicaOrtThreads: { min: 1, max: 64, integer: true },
  replicaOrtWorkers: { min: 1, max: 16, integer: true },
  /** Kubernetes / Chaos Mesh steps. */
  kubeModeValue: { min: 1, max: 1000, integer: true },
  kubeGracePeriodS: { min: 0, max: 3600, integer: true },
  kubeReplicas: { min: 0, max: 1000, integer: true },
  kubePort: { min: 1, max: 65535, integer: true },
  kubeLossPercent: { min: 0, max: 100, exclusiveMin: true },
  kubeCpuWorkers: { min: 1, max: 8192, integer: true },
  kubeCpuLoad: { min: 1, max: 100, integer: true },
  kubeHttpStatus: { min: 100, max: 599, integer: true },
  /** k6-operator runners. */
  loadParallelism: { min: 1, max: 100, integer: true },
} as const satisfies Record<string, Range>;

/** What an objective's SLI can measure: its unit and the values it can take. */
export const SLI_RANGES: Record<ObjectiveSli, Range & { unit: 'ratio' | 'ms' | 's' | 'count' }> = {
  availability: { min: 0, max: 1, unit: 'ratio' },
  error_rate: { min: 0, max: 1, unit: 'ratio' },
  degraded_share: { min: 0, max: 1, unit: 'ratio' },
  recovery_rate: { min: 0, max: 1, unit: 'ratio' },
  probe: { min: 0, max: 1, unit: 'ratio' },
  ndcg_ratio: { min: 0, max: 10, unit: 'ratio' },
  throughput_ratio: { min: 0, max: 10, unit: 'ratio' },
  error_budget_consumed: { min: 0, max: 1_000_000, unit: 'ratio' },
  failed_requests: { min: 0, max: 1_000_000_000, unit: 'count', integer: true },
  latency_p50_ms: { min: 0, max: 600_000, unit: 'ms' },
  latency_p95_ms: { min: 0, max: 600_000, unit: 'ms' },
  latency_p99_ms: { min: 0, max: 600_000, unit: 'ms' },
  time_to_recover_s: { min: 0, max: MAX_DURATION_MS / 1000, unit: 's' },
  time_to_detect_s: { min: 0, max: MAX_DURATION_MS / 1000, unit: 's' },
  interruption_s: { min: 0, max: MAX_DURATION_MS / 1000, unit: 's' },
  undetected_impact: { min: 0, max: 1, unit: 'count', integer: true },
  alert_noise: { min: 0, max: 1000, unit: 'count', integer: true },
  /** A service's own PromQL SLI: its error ratio over the phase. */
  promql: { min: 0, max: 1, unit: 'ratio' },
};

/** Ranges of the abort conditions' SLIs. */
export const ABORT_SLI_RANGES: Record<'error_rate' | 'latency_p99_ms' | 'availability' | 'degraded_share', Range> = {
  error_rate: { min: 0, max: 1 },
  availability: { min: 0, max: 1 },
  degraded_share: { min: 0, max: 1 },
  latency_p99_ms: { min: 0, max: 600_000 },
};

/** What a load engine can schedule without running out of memory or time (checked before a drill starts). */
export const LOAD_ADMISSION = {
  /** Highest rate of any phase, any engine (k6's own limits are far above; the target's are not). */
  maxRate: 100_000,
  /** Highest rate the built-in engine keeps its schedule at on one core. */
  maxBuiltinRate: 5_000,
  /** Most requests one drill may plan (the points file and the scorecard reader hold them). */
  maxRequests: 1_000_000,
  /** Longest load. */
  maxDurationMs: MAX_DURATION_MS,
} as const;

/** JSON Schema keywords for a range (`type`, `minimum`/`exclusiveMinimum`, `maximum`). */
export function rangeSchema(r: Range, description?: string): Record<string, unknown> {
  return {
    type: r.integer ? 'integer' : 'number',
    ...(r.exclusiveMin ? { exclusiveMinimum: r.min } : { minimum: r.min }),
    maximum: r.max,
    ...(description ? { description } : {}),
  };
}

/** True when `v` is a finite number inside `r`. */
export function inRange(v: unknown, r: Range): v is number {
  return typeof v === 'number' && Number.isFinite(v) && (r.exclusiveMin ? v > r.min : v >= r.min) && v <= r.max && (!r.integer || Number.isInteger(v));
}

/** "a number > 0 and <= 100000" */
export function describeRange(r: Range): string {
  return `${r.integer ? 'an integer' : 'a number'} ${r.exclusiveMin ? '>' : '>='} ${r.min} and <= ${r.max}`;
}
