/** The reference replicas' admin API (`/admin/faults`, through the engine's TargetApi) as a fault provider. */
import type { FaultRequest } from '@drillbook/contracts';
import type { ReplicaRef, TargetApi } from '../engine/targetApi.js';
import { ProviderError, type ActiveProviderFault, type ClearResult, type FaultProvider, type InjectResult } from './types.js';

export type ReplicaFault = Omit<FaultRequest, 'ttlMs'>;

export class ReplicaProvider implements FaultProvider<ReplicaFault> {
  readonly kind = 'replica' as const;
  readonly expires = true;
  constructor(
    /** Undo only needs `clearFault` (crash recovery rebuilds nothing else). */
    private readonly api: Pick<TargetApi, 'clearFault'> & Partial<Pick<TargetApi, 'injectFault' | 'listFaults'>>,
    /** A full ReplicaRef to inject; id and url are enough to clear. */
    private readonly replica: Pick<ReplicaRef, 'id' | 'url'> & Partial<ReplicaRef>,
  ) {}

  private full(): Pick<TargetApi, 'injectFault' | 'listFaults'> {
    if (!this.api.injectFault || !this.api.listFaults) throw new ProviderError('this replica provider was built for undo only');
    return this.api as Pick<TargetApi, 'injectFault' | 'listFaults'>;
  }

  async inject(fault: ReplicaFault, ttlMs: number | null): Promise<InjectResult> {
    const api = this.full();
    const f = await api.injectFault(this.replica as ReplicaRef, { ...fault, ttlMs: ttlMs ?? 0 });
    // Proof at the target: the replica itself lists the fault as active.
    const seen = (await api.listFaults(this.replica as ReplicaRef)).find((x) => x.id === f.id);
    return { id: f.id, evidence: seen ? [`${this.replica.id} reports ${seen.type} fault ${seen.id} active, ${(seen.remainingMs / 1000).toFixed(1)}s of ${(ttlMs ?? 0) / 1000}s left`] : [] };
  }

  async clear(id: string): Promise<ClearResult> {
    const cleared = (await this.api.clearFault(this.replica, id)).includes(id);
    return { cleared, evidence: [] };
  }

  async listActive(): Promise<ActiveProviderFault[]> {
    return (await this.full().listFaults(this.replica as ReplicaRef)).map((f) => ({ id: f.id, type: f.type, remainingMs: f.remainingMs }));
  }
}
