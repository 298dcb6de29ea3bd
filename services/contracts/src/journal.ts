/**
 * The drill journal: everything that happened during a drill, written as it happens.
 * The scorecard is a pure function of the journal and the load output.
 */
import type { FaultType } from './faults.js';
import type { ProviderRef } from './providers.js';
import type { LoadPhaseName, StepKind } from './runbook.js';

export const JOURNAL_SCHEMA_VERSION = 1;

export const DRILL_PHASES = [
  'load',
  'validate',
  'preflight',
  'steady-state-before',
  'method',
  'steady-state-after',
  'rollback',
  'journal',
  'scorecard',
] as const;
export type DrillPhase = (typeof DRILL_PHASES)[number];

export type ActivityStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'aborted';

export interface ActivityRecord {
  /** Stable id within the drill, e.g. `method.2`. */
  id: string;
  name: string;
  kind: StepKind | 'phase' | 'load' | 'detection';
  phase: DrillPhase;
  /** Load window the activity started in, when load was running. */
  loadPhase?: LoadPhaseName;
  status: ActivityStatus;
  start: string;
  end?: string;
  durationMs?: number;
  output?: unknown;
  error?: string;
}

export interface InjectedFault {
  id: string;
  step: string;
  replica: string;
  type: FaultType | 'process.kill' | 'process.pause' | 'registry.wipe' | 'model.publish' | 'load.drift' | 'load.spike' | 'kubernetes' | 'chaos-mesh' | `proxy.${string}` | 'process.terminate' | 'process.restart' | 'store.down' | 'store.corrupt' | 'store.wipe' | 'replica.add';
  injectedAt: string;
  ttlMs: number | null;
  clearedAt?: string;
  clearedBy?: 'step' | 'rollback' | 'abort' | 'ttl' | 'restart';
  /** The provider it went through (absent on journals written before providers: the replica admin API). */
  provider?: ProviderRef;
}

export type AbortSource = 'guardrail' | 'signal' | 'api' | 'emergency-stop' | 'max-duration' | 'human';

export interface DrillAbort {
  source: AbortSource;
  reason: string;
  at: string;
}

export interface LoadRecord {
  engine: 'builtin' | 'k6';
  /** Files relative to the drill's output directory. */
  summaryFile: string;
  pointsFile: string;
  plannedRate: Record<LoadPhaseName, number>;
  /** Wall-clock windows of each load phase. */
  windows: Array<{ phase: LoadPhaseName; start: string; end: string }>;
  exitCode?: number;
}

export interface DetectionRecord {
  signal: string;
  at: string;
}

export type JournalStatus = 'running' | 'completed' | 'aborted' | 'interrupted' | 'invalid';

export interface DrillJournal {
  schemaVersion: typeof JOURNAL_SCHEMA_VERSION;
  drillId: string;
  runbook: { name: string; title: string; file?: string; sha256: string };
  service: string;
  target: { url: string; embedded: boolean; replicas: Array<{ id: string; zone: string; url: string }> };
  status: JournalStatus;
  dryRun: boolean;
  startedAt: string;
  endedAt?: string;
  modelVersion: string | null;
  activities: ActivityRecord[];
  faults: InjectedFault[];
  abort?: DrillAbort;
  load?: LoadRecord;
  detection?: DetectionRecord;
  /** Every alert Prometheus reported during the drill (absent in journals written before alert watching). */
  alerts?: import('./alertTimeline.js').AlertWatchRecord;
  /** Observations used as proof that the fault took effect at the target. */
  faultEvidence: Array<{ at: string; signal: string; detail: string }>;
  /** Error budget state of the service's availability SLO when the drill started. */
  slo?: { name: string; objective: number; periodDays: number; budgetRemainingAtStart: number | null };
}
