/**
 * Messages between the controller's API thread and a drill's worker thread. The drill engine runs
 * in the worker (load generation, probes, scorecard, report), so its CPU work never holds up the
 * API's event loop; the target's process control and registry stay with the API thread, which owns
 * the stack, and are reached through calls.
 */
import type { DrillEvent, DrillJournal, Scorecard } from '@drillbook/contracts';
import type { AbortSource } from '../../../engine/executor.js';
import type { ReplicaRef } from '../../../engine/target.js';
import type { SloReference } from '../../../scorecard/compute.js';
import type { PromqlSli } from '../../../catalogue/promqlSlis.js';

export interface TargetSnapshot {
  replicas: ReplicaRef[];
  /** Per replica, as the process runner sees it (absent without process control). */
  pids: Record<string, number | null>;
  phases: Record<string, string>;
}

export interface WorkerInput {
  runbook: { file: string; source: string; sha256: string };
  options: {
    drillId: string;
    outDir: string;
    quick: boolean;
    loadEngine: 'auto' | 'builtin' | 'k6';
    prometheusUrl?: string;
    slo: SloReference;
    /** The service's PromQL SLIs, evaluated for the scorecard. */
    serviceSlis?: PromqlSli[];
  };
  target: {
    service: string;
    gatewayUrl: string;
    embedded: boolean;
    adminToken: string;
    sessionsFile: string;
    prometheusUrl?: string;
    hasProcess: boolean;
    hasPublish: boolean;
    snapshot: TargetSnapshot;
  };
}

/** Worker -> API thread. */
export type FromWorker =
  | { type: 'event'; event: DrillEvent }
  /** Liveness, every HEARTBEAT_MS while the worker's event loop turns (engine/watchdog). */
  | { type: 'heartbeat' }
  | { type: 'journal'; journal: DrillJournal }
  | { type: 'log'; line: string }
  | { type: 'ack'; prompt: string }
  | { type: 'call'; id: number; method: 'act' | 'publish'; args: unknown[] }
  | { type: 'done'; scorecard: Scorecard; journal: DrillJournal };

/** API thread -> worker. */
export type ToWorker =
  | { type: 'abort'; source: AbortSource; reason: string }
  | { type: 'target'; snapshot: TargetSnapshot }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };
