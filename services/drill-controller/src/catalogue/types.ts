/** What the catalogue knows about a service live, before per-caller fields (permissions, drills) are added. */
import type { GpuStatus, ReplicaStatus, SloStatus } from '@drillbook/contracts';

export interface LiveService {
  gatewayUrl: string | null;
  replicas: ReplicaStatus[];
  modelVersion: string | null;
  slos: SloStatus[];
  gpu: GpuStatus;
  /** When this snapshot was taken (ISO-8601). */
  at: string;
}

export interface CatalogueTargets {
  gatewayUrl: string | null;
  replicas: Array<{ id: string; zone: string; url: string }>;
}
