/**
 * The provider-shaped API the Kubernetes, Chaos Mesh and k6-operator pieces share until the common
 * fault-provider interface exists: inject with a TTL and return evidence read back from the API,
 * clear (idempotent), list what is active. Every injection names the objects it created or changed.
 */

export interface Evidence {
  at: string;
  /** What was observed, e.g. `pod-replaced`, `chaos-injected`, `ready-replicas-restored`. */
  signal: string;
  detail: string;
}

export interface Injection {
  /** Provider-unique id (`<provider>:<namespace>/<name>`). */
  id: string;
  provider: 'kubernetes' | 'chaos-mesh';
  /** What was done, e.g. `pod-delete`, `scale`, `PodChaos/pod-kill`. */
  action: string;
  namespace: string;
  ttlMs: number;
  injectedAt: string;
  expiresAt: string;
  /** The objects created, deleted or changed, as sent to the API. */
  objects: unknown[];
  evidence: Evidence[];
}

export interface InjectOptions {
  ttlMs: number;
  /** Free text recorded on created objects (drill id, step name). */
  note?: string;
  /** Most pods one injection may touch (the runbook's blast radius). */
  maxPods: number;
  /** Most zones one injection may touch. Default 1. */
  maxZones?: number;
  signal?: AbortSignal;
}

export interface FaultProvider<Spec> {
  /** The exact objects an injection would create or change, touching nothing (dry run). */
  plan(spec: Spec, opts: InjectOptions): unknown[];
  inject(spec: Spec, opts: InjectOptions): Promise<Injection>;
  /** Undo one injection; clearing twice or clearing an expired one is not an error. */
  clear(id: string): Promise<Evidence[]>;
  active(): Injection[];
}

/** How many of the matching pods a step acts on: the modes Chaos Mesh uses. */
export type PodMode = { mode: 'one' } | { mode: 'all' } | { mode: 'fixed'; value: number } | { mode: 'fixed-percent'; value: number };

export class KubernetesFaultError extends Error {
  override name = 'KubernetesFaultError';
}
