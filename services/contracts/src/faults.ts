/**
 * Fault API shared by the replicas (`/admin/faults`), the topology runner and the drill engine.
 * Every fault carries a TTL and expires on its own, so a drill engine that dies never leaves one behind.
 */

export const FAULT_TYPES = [
  'latency',
  'error',
  'hang',
  'crash',
  'model-load-failure',
  'corrupt-model',
  'slow-warmup',
  'dependency-outage',
  'dependency-latency',
  'accelerator-saturation',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** Process-level faults offered by the topology runner (not by a replica itself). */
export const PROCESS_ACTIONS = ['kill', 'terminate', 'pause', 'resume', 'restart'] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

export interface LatencyDistribution {
  /** fixed: always `latencyMs`; uniform: in [latencyMs, latencyMs + jitterMs]; normal: mean latencyMs, sd jitterMs; exponential: mean latencyMs. */
  kind: 'fixed' | 'uniform' | 'normal' | 'exponential';
}

export interface FaultRequest {
  type: FaultType;
  /** Required: the fault is removed by the replica itself this many milliseconds after injection. */
  ttlMs: number;
  /** Share of requests affected, 0..1 (latency, error, hang, dependency-*). Default 1. */
  rate?: number;
  /** latency / dependency-latency / slow-warmup: added delay in ms. */
  latencyMs?: number;
  jitterMs?: number;
  distribution?: LatencyDistribution['kind'];
  /** error: HTTP status to answer with (500..599). Default 503. */
  status?: number;
  /** accelerator-saturation: number of busy-loop threads competing with inference. Default 1. */
  threads?: number;
  /** crash: process exit code. Default 137-like abrupt exit (1). */
  exitCode?: number;
  /** Free text recorded with the fault (drill id, step name). */
  note?: string;
}

export interface ActiveFault extends Required<Pick<FaultRequest, 'type' | 'ttlMs'>> {
  id: string;
  rate: number;
  latencyMs?: number;
  jitterMs?: number;
  distribution?: LatencyDistribution['kind'];
  status?: number;
  threads?: number;
  exitCode?: number;
  note?: string;
  injectedAt: string;
  expiresAt: string;
  remainingMs: number;
}

export interface FaultListResponse {
  replica: string;
  faults: ActiveFault[];
}

/**
 * The admin API paths of the reference replicas and gateway, defined once: the services route on
 * them, the drill engine and its undo call them.
 */
export const ADMIN_PATHS = {
  /** Replica: `GET` lists active faults, `POST` injects one. */
  faults: '/admin/faults',
  /** Replica: `DELETE` clears one fault. */
  fault: (id: string) => `/admin/faults/${encodeURIComponent(id)}`,
  /** Replica: `POST {version}` deploys a version. */
  model: '/admin/model',
  /** Replica: `POST` rolls back to the previous version. */
  modelRollback: '/admin/model/rollback',
  /** Gateway: `GET` / `PUT` the upstream set. */
  upstreams: '/admin/upstreams',
  /** Gateway: `GET` / `POST` / `DELETE` the canary. */
  canary: '/admin/canary',
} as const;
