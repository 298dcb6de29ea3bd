/**
 * Kubernetes / Chaos Mesh behind the common interface for undo: the injection itself stays in
 * providers/kubernetes (its steps plan and journal the exact objects); clearing a journaled fault
 * goes through `undoKubernetesFault` (a chaos object is found from its id alone, a scaled workload
 * is restored by the process that scaled it). Chaos objects carry their own `duration`.
 */
import { undoKubernetesFault } from './kubernetes/runbookSteps.js';
import { ProviderError, type ActiveProviderFault, type ClearResult, type FaultProvider, type InjectResult } from './types.js';

export class KubernetesUndoProvider implements FaultProvider<never> {
  readonly kind = 'kubernetes' as const;
  readonly expires = true;
  constructor(
    private readonly drillId: string,
    private readonly journaled: () => Array<{ id: string; type: string; injectedAt: string; ttlMs: number | null; clearedAt?: string }>,
  ) {}

  async inject(): Promise<InjectResult> {
    throw new ProviderError('Kubernetes and Chaos Mesh faults are injected by their k8s.* / chaos.* steps');
  }

  async clear(id: string): Promise<ClearResult> {
    const f = this.journaled().find((x) => x.id === id);
    if (!f) return { cleared: false, evidence: [] };
    const cleared = await undoKubernetesFault(this.drillId, f);
    return { cleared, evidence: cleared ? [`${f.type} ${id} undone`] : [] };
  }

  async listActive(): Promise<ActiveProviderFault[]> {
    const now = Date.now();
    return this.journaled()
      .filter((f) => (f.type === 'kubernetes' || f.type === 'chaos-mesh') && !f.clearedAt)
      .map((f) => ({ id: f.id, type: f.type, remainingMs: f.ttlMs === null ? null : Math.max(0, Date.parse(f.injectedAt) + f.ttlMs - now) }));
  }
}
