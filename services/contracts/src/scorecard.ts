/**
 * Scorecard: the verdict of one drill, computed by a pure function from the journal and the load output.
 */
import type { ObjectiveSli, Comparator, LoadPhaseName } from './runbook.js';

export const SCORECARD_SCHEMA_VERSION = 1;

/**
 * `invalid`: the drill proves nothing (no fault seen, load not delivered, no steady state before the
 * fault, or the load generator / host was the weak part). `inconclusive`: no objective was missed,
 * but at least one could not be decided from the samples (its confidence interval straddles the target).
 */
export const DRILL_STATUSES = ['passed', 'failed', 'aborted', 'interrupted', 'invalid', 'inconclusive'] as const;
export type DrillStatus = (typeof DRILL_STATUSES)[number];

/** `inconclusive`: the point estimate is on one side of the target, the confidence interval on both. */
export type Verdict = 'met' | 'missed' | 'no-data' | 'inconclusive';

export interface ObjectiveResult {
  name: string;
  sli: ObjectiveSli;
  phase: LoadPhaseName | 'drill';
  op: Comparator;
  target: number;
  /** null when the SLI could not be measured (verdict `no-data`, no credit). */
  measured: number | null;
  unit: 'ratio' | 'ms' | 's' | 'count';
  verdict: Verdict;
  weight: number;
  /** Share of this objective's points earned, 0..1 (partial credit when missed). */
  credit: number;
  /** Points contributed to the 0-100 score. */
  contribution: number;
  /** Points this objective could contribute. */
  maxContribution: number;
  /** One sentence: how the credit was computed. */
  explanation: string;
  /**
   * Latency SLIs: 95% confidence interval of the percentile (order statistics), ms. The upper end is
   * the largest sample when there are too few samples above the percentile to bound it.
   */
  interval?: [number, number];
  /** Latency SLIs judged `inconclusive`: about how many requests in the phase would decide it (null: no finite number would). */
  requestsToDecide?: number | null;
  /** `sli: promql` objectives: the name of the service's PromQL SLI judged. */
  promql?: string;
  /**
   * Where the measured figure came from when it is not the drill's own load: for `sli: promql`,
   * `promql: <the query as evaluated> @ <Prometheus URL>` (or why there was no figure).
   */
  source?: string;
}

/** One evaluation of a service's PromQL SLI: an instant query at the end of a phase, `{{.window}}` set to its length. */
export interface ServiceSliWindow {
  phase: LoadPhaseName | 'drill';
  /** The phase, seconds since the drill's load origin. */
  startS: number;
  endS: number;
  /** What `{{.window}}` was set to, e.g. `30s`. */
  window: string;
  /** Evaluation time (the phase end). */
  at: string;
  /** The query as sent. */
  query: string;
  /** The error ratio (0..1); null when Prometheus returned no sample or could not be asked. */
  value: number | null;
}

/** A service-reported SLI (the service's own metrics through configured PromQL), beside the load-measured figures. */
export interface ServiceSli {
  name: string;
  title: string;
  /** `promql: <errorRatio as configured>`. */
  source: string;
  /** The Prometheus the figures came from; null when the controller has none. */
  prometheusUrl: string | null;
  /** Why some or all figures are missing (no Prometheus, a failed query, no sample); null when every window has a value. */
  note: string | null;
  windows: ServiceSliWindow[];
}

/** How late the load generator was in one phase, and how busy the host was. */
export interface GeneratorPhaseHealth {
  phase: LoadPhaseName;
  /** Scheduled vs actual send time (built-in engine and k6 scenarios), ms. */
  schedLagP99Ms: number | null;
  schedLagMaxMs: number | null;
  droppedIterations: number;
  /** Share of the host's CPU time busy (not idle or iowait) during the phase, 0..1; null off Linux. */
  hostCpuBusy: number | null;
  /** Share of the host's CPU time stolen by the hypervisor during the phase, 0..1. */
  hostCpuSteal: number | null;
}

export interface LatencyStats {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface PhaseStats {
  phase: LoadPhaseName;
  startS: number;
  endS: number;
  requests: number;
  errors: number;
  errorRate: number | null;
  degraded: number;
  degradedShare: number | null;
  throughputRps: number | null;
  plannedRps: number | null;
  latencyMs: LatencyStats;
  ndcg10: number | null;
}

export interface TimelineEntry {
  id: string;
  name: string;
  kind: string;
  phase: string;
  status: string;
  startS: number;
  endS: number | null;
  error?: string;
}

export interface Scorecard {
  schemaVersion: typeof SCORECARD_SCHEMA_VERSION;
  drillId: string;
  runbook: { name: string; title: string; file?: string; sha256: string };
  service: string;
  modelVersion: string | null;
  status: DrillStatus;
  /** One sentence: why this status. */
  statusReason: string;
  /** 0..100, weighted objectives with partial credit. */
  score: number;
  hypothesis: string;
  startedAt: string;
  endedAt: string;
  durationS: number;
  objectives: ObjectiveResult[];
  phases: PhaseStats[];
  timeToDetectS: number | null;
  detectedBy: string | null;
  /** The alert timeline and the detection findings (undetected impact, alert noise); absent in older scorecards. */
  detection?: import('./alertTimeline.js').DetectionFindings;
  timeToRecoverS: number | null;
  /** Seconds during which availability or latency stayed outside the objective. */
  interruptionS: number;
  /** Share of injected faults the system recovered from without a human. */
  recoveryRate: number | null;
  errorBudget: {
    slo: string;
    objective: number;
    periodDays: number;
    events: number;
    badEvents: number;
    burnRate: number | null;
    /** Share of the period's error budget consumed by this drill. */
    consumed: number | null;
    remainingAtStart: number | null;
  };
  quality: {
    baselineNdcg10: number | null;
    drillNdcg10: number | null;
    /** Lowest per-phase NDCG after the baseline divided by the baseline. */
    ndcgRatio: number | null;
    scoredRequests: number;
  };
  degradedShare: number | null;
  proof: {
    valid: boolean;
    faultObserved: { ok: boolean; evidence: string[] };
    loadDelivered: {
      ok: boolean;
      plannedRequests: number;
      sentRequests: number;
      droppedIterations: number;
      achievedRatio: number | null;
    };
  };
  /** Steady-state hypothesis: did the baseline meet the runbook's latency and availability objectives? */
  steadyState: { established: boolean; reason: string };
  load: {
    engine: 'builtin' | 'k6';
    /** Worst figures over the scored phases, with the per-phase detail and the verdict on the generator. */
    generator: {
      schedLagP99Ms: number | null;
      droppedIterations: number;
      hostCpuBusy: number | null;
      hostCpuSteal: number | null;
      /** The generator (or the host) was too weak for the latency objectives: the drill is `invalid`. */
      saturated: boolean;
      reason: string;
      phases: GeneratorPhaseHealth[];
    };
    thresholdsOk: boolean;
    exitCode: number | null;
    thresholds: Array<{ metric: string; expr: string; ok: boolean }>;
  };
  abort: { source: string; reason: string; atS: number } | null;
  faultWindows: Array<{ label: string; startS: number; endS: number }>;
  timeline: TimelineEntry[];
  /** Per-second series for charts: seconds since drill start. */
  series: {
    t: number[];
    rps: number[];
    errorRate: Array<number | null>;
    p99Ms: Array<number | null>;
    degradedShare: Array<number | null>;
  };
  evidence: { journal: string; loadSummary: string; points: string; report: string; junit: string };
  onFailure?: string;
  /**
   * The service's own SLIs (controller config `services[].slis`), evaluated by Prometheus over each
   * load phase and the whole drill; absent when the service has none configured.
   */
  serviceSlis?: ServiceSli[];
}
