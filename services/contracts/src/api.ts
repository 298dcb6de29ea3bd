/**
 * Resources of the drill controller's REST + SSE API (`/api/v1`). The OpenAPI document in
 * `openapi.ts` describes the same shapes; the Backstage and Grafana plugins import these types.
 */
import type { DrillStatus, Scorecard } from './scorecard.js';
import type { LoadPhaseName, ObjectiveSli, Comparator } from './runbook.js';
import type { DrillPhase } from './journal.js';

export const API_PREFIX = '/api/v1';

/** `approver`: may read and approve or reject other people's drills (two-person rule), not launch them. */
export type Role = 'viewer' | 'operator' | 'admin' | 'approver';

/** Where a figure came from. Views name it; nothing is shown without one. */
export interface DataSource {
  kind: 'prometheus' | 'scrape' | 'none';
  /** Prometheus base URL or the scraped /metrics URL(s). */
  url?: string;
  /** When the figure was read (ISO-8601). */
  at: string;
  /** Why a figure is missing, or what the source could observe (e.g. "since controller start, 42 min"). */
  detail?: string;
}

export interface ReplicaStatus {
  id: string;
  zone: string;
  url: string;
  ready: boolean | null;
  modelVersion: string | null;
}

export interface BurnRateReading {
  window: string;
  value: number | null;
}

export interface SloStatus {
  name: string;
  title: string;
  sli: 'availability' | 'latency' | 'degraded' | 'quality';
  /** e.g. 0.999 */
  objective: number;
  periodDays: number;
  /** Measured good ratio over the window the source could observe (see `source.detail`). */
  attainment: number | null;
  /** Fraction of the period's error budget remaining, 0..1 (may go below 0 when overspent). */
  errorBudgetRemaining: number | null;
  /** Burn rate over the shortest alerting window available (1 = exactly on budget). */
  burnRate: number | null;
  burnRates: BurnRateReading[];
  /** The multiwindow alerting thresholds, for marking on gauges. */
  thresholds: { page: number[]; ticket: number[] };
  /** Recent budget-remaining samples for a burn-down sparkline. */
  budgetHistory: Array<{ t: string; remaining: number }>;
  source: DataSource;
}

export interface GpuDevice {
  replica: string;
  device: string;
  kind: 'gpu' | 'cpu';
  /** Busy fraction 0..1. */
  utilization: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  model?: string;
}

export interface GpuStatus {
  /** True only when a real GPU was reported by DCGM or nvidia-smi. */
  present: boolean;
  devices: GpuDevice[];
  source: DataSource;
  /** Shown to the user, e.g. "no GPU on this service: inference runs on CPU". */
  message?: string;
}

export interface ScorePoint {
  drillId: string;
  at: string;
  score: number;
  status: DrillStatus;
  runbook: string;
}

export interface ServiceSummary {
  id: string;
  title: string;
  owner: string;
  description?: string;
  /** Backstage entity ref, e.g. `component:default/recsys-reference`. */
  entityRef?: string;
  tags: string[];
  gatewayUrl: string | null;
  replicas: ReplicaStatus[];
  modelVersion: string | null;
  slos: SloStatus[];
  gpu: GpuStatus;
  lastDrill: DrillSummary | null;
  scoreTrend: ScorePoint[];
  /** The operations the calling token may perform on this service. */
  permissions: { launch: boolean; abort: boolean };
}

export interface RunbookSummary {
  name: string;
  title: string;
  file: string;
  service: string;
  hypothesis: string;
  tags: string[];
  owner: string;
  faults: string[];
  durationS: number;
  objectives: Array<{ name: string; sli: ObjectiveSli; op: Comparator; target: number; weight: number }>;
}

export type DrillState = 'queued' | 'running' | DrillStatus;

export interface DrillSummary {
  id: string;
  runbook: string;
  service: string;
  state: DrillState;
  dryRun: boolean;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  currentPhase: DrillPhase | null;
  score: number | null;
  timeToRecoverS: number | null;
  /** Seconds from the fault to the first expected alert firing (or its projected firing) or metric signal; absent from older controllers. */
  timeToDetectS?: number | null;
  errorBudgetConsumed: number | null;
  ndcgRatio: number | null;
  statusReason: string | null;
  /** Relative API path of the HTML report, present once the scorecard exists. */
  reportUrl: string | null;
}

export interface PlannedAction {
  /** Seconds after load start (approximate for steps after waits). */
  atS: number;
  phase: DrillPhase;
  loadPhase?: LoadPhaseName;
  kind: string;
  name: string;
  description: string;
  /** Resolved targets, e.g. replica ids. */
  targets: string[];
  ttlS?: number;
  /** Kubernetes steps and distributed load: the exact objects (or API calls) the step would send. */
  objects?: unknown[];
}

export interface DrillPlan {
  runbook: string;
  title: string;
  service: string;
  hypothesis: string;
  load: {
    engine: 'builtin' | 'k6';
    profile: string;
    phases: Array<{ phase: LoadPhaseName; durationS: number; rate: number }>;
    totalRequests: number;
    /** `load.distributed`: the k6-operator objects (script ConfigMap, TestRun) the run would create. */
    distributed?: { parallelism: number; objects: unknown[] };
  };
  actions: PlannedAction[];
  rollback: PlannedAction[];
  guardrails: string[];
  objectives: Array<{ name: string; sli: ObjectiveSli; op: Comparator; target: number; weight: number }>;
  maxDurationS: number;
}

export type DrillEventType = 'state' | 'phase' | 'activity' | 'progress' | 'fault' | 'guardrail' | 'detection' | 'log' | 'end';

export interface DrillEvent {
  /** Monotonic per drill; SSE `id:` so followers can resume with Last-Event-ID. */
  seq: number;
  drillId: string;
  at: string;
  type: DrillEventType;
  message: string;
  phase?: DrillPhase;
  data?: {
    status?: string;
    activity?: string;
    loadPhase?: LoadPhaseName;
    elapsedS?: number;
    remainingS?: number;
    rps?: number;
    errors?: number;
    requests?: number;
    p99Ms?: number | null;
    [key: string]: unknown;
  };
}

export interface StartDrillRequest {
  runbook: string;
  /** Defaults to the runbook's target service. */
  service?: string;
  dryRun?: boolean;
  quick?: boolean;
}

export interface StartDrillResponse {
  drill: DrillSummary;
  plan: DrillPlan;
}

export interface AbortDrillRequest {
  reason?: string;
}

export interface EmergencyStopState {
  active: boolean;
  reason: string | null;
  since: string | null;
  by: string | null;
}

export interface WhoAmI {
  subject: string;
  role: Role;
  /** Services this token may launch drills on; `*` for all. */
  services: string[];
  /** The person a trusted front end acts for (`user:default/alice`, `grafana:alice`); absent for a plain token. */
  person?: string;
  /** That person's groups as the front end sent them (Backstage group refs, `grafana:role/Editor`, `grafana:team/3`). */
  groups?: string[];
  /** The front end (the token's name) the person acts through, e.g. `backstage`. */
  via?: string;
}

export interface ApiErrorBody {
  error: string;
  /** JSON path of the offending field, when the error is about one. */
  field?: string;
  details?: Array<{ field: string; message: string }>;
}

export interface ScorecardResponse {
  drill: DrillSummary;
  scorecard: Scorecard;
}

/** One audit log entry (`GET /audit`, admin): who changed what, when, from where, and the outcome. */
export interface AuditEntry {
  id: number;
  at: string;
  /** Token subject, `controller` for what the controller did by itself (crash recovery), `anonymous` without a valid token. */
  subject: string;
  /** `none` for a request without a valid token (refused with 401). */
  role: Role | 'system' | 'none';
  /** e.g. `drill.start`, `drill.abort`, `emergency-stop.engage`, `emergency-stop.release`, `drill.interrupted`. */
  action: string;
  /** A drill id, a service id, or `*`. */
  target: string;
  outcome: 'ok' | 'denied' | 'refused' | 'failed';
  detail: string | null;
  /** Remote address (and X-Forwarded-For when the controller trusts its proxy). */
  remote: string | null;
}
