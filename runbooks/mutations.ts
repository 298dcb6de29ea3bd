/** For every drill: the configuration that breaks the property it guards, and the objective that must then be missed. */
import type { EmbeddedStackSpec } from '@drillbook/contracts';

export interface Mutation {
  drill: string;
  /** What is broken, in words. */
  why: string;
  stack: EmbeddedStackSpec;
  /** The objective that must then be missed. */
  objective: string;
}

const table: Array<[string, string, EmbeddedStackSpec, string]> = [
  ['replica-loss', 'gateway retries off', { gateway: { retries: false } }, 'no failed requests'],
  // Retries alone off is not enough to fail it reliably: a refused connection ejects a dead replica at
  // once, so only the few requests already on the lost zone fail (measured 99.25-99.75% against 99.5%).
  // Without ejection the gateway keeps routing there until two health checks fail (97.5-98.75%).
  ['zone-loss', 'gateway retries and outlier ejection off', { gateway: { retries: false, ejection: false } }, 'availability while the zone is down'],
  ['bad-model-deploy', 'canary analysis off (no automatic rollback)', { gateway: { canaryAnalysis: false } }, 'bad candidate rolled back'],
  ['model-load-failure', 'no fallback on replicas or gateway', { replica: { fallback: false }, gateway: { fallback: false } }, 'every request answered'],
  ['dependency-outage', 'no feature-lookup deadline', { replica: { featureTimeoutMs: 5000 } }, 'p99 latency while the dependency fails'],
  ['overload', 'no load shedding', { gateway: { maxInFlight: 100000 }, replica: { maxQueue: 100000 } }, 'admitted traffic served by the model'],
  ['accelerator-saturation', 'no inference deadline', { replica: { deadlineMs: 10000 } }, 'p99 latency while saturated'],
  ['data-drift', 'no drift detection', { replica: { drift: false } }, 'drift detected within 10 s'],
  ['model-store-loss', 'no backup location', { replica: { backup: false } }, 'serving version restored from backup'],
  // The model store drills (issue 23) run on a stack with a model store (their runbooks' stack.modelStore);
  // a mutation's modelStore replaces the runbook's. Cache off: a replica restarted while the store is down
  // (or serving a corrupted copy) must fetch its version again and cannot.
  ['model-store-down-deploy', 'replica cache off (MODEL_CACHE=off)', { modelStore: { cache: false } }, 'every replica serves the old version'],
  ['model-store-down-scale-out', 'replica cache off (MODEL_CACHE=off)', { modelStore: { cache: false } }, 'new replica ready while the store is down'],
  ['model-store-corrupt-artifact', 'replica cache off: no fallback to the verified cached copy', { modelStore: { cache: false } }, 'serving continues on the verified version'],
  ['model-store-disk-loss', 'no backup location', { replica: { backup: false } }, 'no registered version lost'],
];

export const MUTATIONS: Mutation[] = table.map(([drill, why, stack, objective]) => ({ drill, why, stack, objective }));
