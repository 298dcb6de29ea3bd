/** The reference replicas' admin API (`/admin/faults`, through the engine's TargetApi) as a fault provider. */
import type { FaultRequest } from '@drillbook/contracts';
import type { ReplicaRef, TargetApi } from '../engine/targetApi.js';
import type { ActiveProviderFault, ClearResult, FaultProvider, InjectResult } from './types.js';

export type ReplicaFault = Omit<FaultRequest, 'ttlMs'>;

export class ReplicaProvider implements FaultProvider<ReplicaFault> {
  readonly kind = 'replica' as const;
  readonly expires = true;
  constructor(
    private readonly api: Pick<TargetApi, 'injectFault' | 'listFaults' | 'clearFault'>,
    private readonly replica: ReplicaRef,
  ) {}

  async inject(fault: ReplicaFault, ttlMs: number | null): Promise<InjectResult> {
    const f = await this.api.injectFault(this.replica, { ...fault, ttlMs: ttlMs ?? 0 });
    // Proof at the target: the replica itself lists the fault as active.
    const seen = (await this.api.listFaults(this.replica)).find((x) => x.id === f.id);
    return { id: f.id, evidence: seen ? [`${this.replica.id} reports ${seen.type} fault ${seen.id} active, ${(seen.remainingMs / 1000).toFixed(1)}s of ${(ttlMs ?? 0) / 1000}s left`] : [] };
  }

  async clear(id: string): Promise<ClearResult> {
    const cleared = (await this.api.clearFault(this.replica, id)).includes(id);
    return { cleared, evidence: [] };
  }

  async listActive(): Promise<ActiveProviderFault[]> {
    return (await this.api.listFaults(this.replica)).map((f) => ({ id: f.id, type: f.type, remainingMs: f.remainingMs }));
  }
}
