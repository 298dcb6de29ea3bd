/** `load.distributed` of a runbook -> the k6-operator objects (script ConfigMap + TestRun) a run creates. */
import type { Runbook } from '@drillbook/contracts';
import { repoRoot } from '../../load/repo.js';
import { loadPhases } from '../../runbook/plan.js';
import { distributedLoadObjects, scenarioSource, type DistributedLoadSpec } from './k6Operator.js';
import { objectName } from './kube.js';
import { KubernetesFaultError } from './types.js';

export function distributedLoadPlan(rb: Runbook, quick: boolean): { parallelism: number; objects: unknown[] } {
  const spec = distributedLoadSpec(rb, quick);
  return { parallelism: spec.parallelism, objects: distributedLoadObjects(spec) };
}

/** The TestRun + ConfigMap spec of a runbook's `load.distributed` (what a dry run prints and a run creates). */
export function distributedLoadSpec(rb: Runbook, quick: boolean): DistributedLoadSpec {
  const d = rb.load.distributed;
  if (!d) throw new KubernetesFaultError('the runbook has no load.distributed');
  if (!rb.target.kubernetes) throw new KubernetesFaultError('load.distributed needs target.kubernetes (the namespace the runners run in)');
  if (!rb.load.scenario) throw new KubernetesFaultError('load.distributed runs the k6 scenario: set load.scenario');
  const phases = loadPhases(rb, quick).map((p) => ({ phase: p.phase, durationS: p.durationS, rate: p.rate, mix: p.mix }));
  return {
    namespace: rb.target.kubernetes.namespace,
    name: objectName('drillbook', rb.metadata.name, 'load'),
    parallelism: d.parallelism,
    script: scenarioSource(repoRoot(), rb.load.scenario),
    // The same variables the local k6 engine passes (load/k6/command.ts); the operator splits the
    // arrival rate across runners with execution segments, so LOAD_PLAN keeps the total rate.
    env: {
      BASE_URL: rb.target.url ?? `http://recsys-gateway.${rb.target.kubernetes.namespace}:8080`,
      LOAD_PLAN: JSON.stringify(phases),
      K: String(rb.load.k ?? 10),
    },
    outputClaim: d.outputClaim,
    ...(d.sessionsConfigMap ? { sessionsConfigMap: d.sessionsConfigMap } : {}),
    ...(d.image ? { image: d.image } : {}),
  };
}
