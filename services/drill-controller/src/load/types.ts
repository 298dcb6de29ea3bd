/**
 * Public types of the load module: the plan a drill hands to an engine, the live handle it gets
 * back, the outcome when load ends, and the one result shape the reader produces for both engines.
 */
import type { LoadPhaseName, LoadSessionsFile, TargetProtocol } from '@drillbook/contracts';

export type LoadEngineName = 'builtin' | 'k6';
export type LoadEngineChoice = LoadEngineName | 'auto';
export type LoadMix = 'training' | 'drifted';

export interface LoadPhasePlan {
  phase: LoadPhaseName;
  /** Length of the phase in seconds (> 0). */
  durationS: number;
  /** Open-model arrival rate in requests per second (> 0). */
  rate: number;
  /** Which held-out request list of the sessions file this phase draws from. */
  mix: LoadMix;
}

/** k6-style thresholds: metric (or sub-metric such as `http_req_duration{scenario:fault}`) -> expressions. */
export type ThresholdMap = Record<string, string[]>;

export interface LoadPlan {
  /** Base URL of the target (the gateway), e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Phases in the order they run; each name at most once. */
  phases: LoadPhasePlan[];
  /** Items requested per call (1..100). */
  k: number;
  /** Request deadline in milliseconds; a request that takes longer is an error. */
  timeoutMs: number;
  /** The held-out request templates, or the path of the JSON file `model:build` writes. */
  sessions: LoadSessionsFile | string;
  /** Directory the engine writes `summary.json` and `points.ndjson` into (created when missing). */
  outDir: string;
  /** k6 script, relative to the repository root or absolute, e.g. `load-tests/scenarios/replica-loss.js`. */
  scenario?: string;
  /**
   * Most requests in flight at once (k6: `maxVUs`). When the engine is at the cap at a scheduled
   * send time, that iteration is dropped and counted in `dropped_iterations`.
   * Default: `defaultMaxInFlight(plan)`.
   */
  maxInFlight?: number;
  /**
   * Thresholds the built-in engine evaluates. Default: the thresholds of `scenario`'s drill from
   * `load-tests/lib/drills.js` (the same ones the k6 script declares), or the SLO defaults.
   */
  thresholds?: ThresholdMap;
  /**
   * Path probed with GET before load starts (k6 `setup()`); non-200 fails fast. `null` skips it.
   * Default: the protocol adapter's readiness checks (`/readyz` for drillbook; `/v2/health/ready`
   * and the model's `/ready` for oip-v2; the json block's `readinessPath`).
   */
  readinessPath?: string | null;
  /** How to talk to the target (contracts target.ts); default `drillbook` (`POST /v1/recommend`). */
  protocol?: TargetProtocol;
  /** Sliding window of the live figures in `onTick`, seconds. Default 5. */
  liveWindowS?: number;
}

/** Live figures, about once a second. */
export interface LoadTick {
  at: string;
  elapsedS: number;
  /** Seconds of planned load left (0 once the last phase ended). */
  remainingS: number;
  /** Phase whose schedule is running now; null before the first and after the last. */
  phase: LoadPhaseName | null;
  plannedRps: number;
  /** Totals since the load started. */
  sent: number;
  completed: number;
  errors: number;
  degraded: number;
  dropped: number;
  inFlight: number;
  lastSecond: { sent: number; completed: number; errors: number };
  /** Figures over the sliding window (by completion time). */
  window: {
    seconds: number;
    completed: number;
    rps: number;
    errorRate: number | null;
    availability: number | null;
    p99Ms: number | null;
    degradedShare: number | null;
  };
}

export type LoadOutcomeStatus =
  /** Every phase ran and every threshold held (exit code 0). */
  | 'completed'
  /** Every phase ran and at least one threshold was crossed (k6 exit code 99). */
  | 'thresholds-crossed'
  /** `stop()` ended the load early (k6: interrupted by a signal, exit code 105). */
  | 'stopped'
  /** The target was not ready before load started (k6 `setup()` aborted the test). */
  | 'setup-failed'
  /** The engine itself failed (k6 crashed, bad script, outputs missing). */
  | 'failed';

export interface LoadWindow {
  phase: LoadPhaseName;
  start: string;
  end: string;
}

export interface LoadOutcome {
  engine: LoadEngineName;
  status: LoadOutcomeStatus;
  /** k6 semantics for both engines: 0 passed, 99 thresholds crossed, 105 stopped, 108 setup aborted, other = failure. */
  exitCode: number;
  summaryFile: string;
  pointsFile: string;
  startedAt: string;
  endedAt: string;
  /** Wall-clock windows of the phases that ran (ISO times). */
  windows: LoadWindow[];
  /** Why `stop()` was called, when it was. */
  stopReason?: string;
  /** Requests still in flight when the load was stopped and that were cut off (no sample recorded). */
  interrupted: number;
  /** Human-readable reason for `setup-failed` / `failed`. */
  error?: string;
  /** The host's CPU during each phase window (from /proc/stat), when it could be read. */
  hostCpu?: HostCpuPhase[];
}

export interface HostCpuPhase {
  phase: LoadPhaseName;
  /** Share of CPU time not idle (idle and iowait excluded), all cores, 0..1. */
  busy: number;
  /** Share of CPU time stolen by the hypervisor, 0..1. */
  steal: number;
}

export type Unsubscribe = () => void;

export interface LoadRun {
  engine: LoadEngineName;
  startedAt: string;
  /** Called about once a second while load runs. Listener errors are swallowed. */
  onTick(cb: (tick: LoadTick) => void): Unsubscribe;
  /** Called when a phase's schedule starts (the executor injects faults at the start of `fault`). */
  onPhase(cb: (phase: LoadPhaseName, at: string) => void): Unsubscribe;
  /** Ends the load promptly; outputs are still written. Resolves when `done` has. Idempotent. */
  stop(reason: string): Promise<void>;
  /** Never rejects: failures are reported as `status: 'failed'` / `'setup-failed'`. */
  done: Promise<LoadOutcome>;
}

// ---------------------------------------------------------------- reader

export interface ThresholdResult {
  metric: string;
  expr: string;
  ok: boolean;
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface PhaseLoadStats {
  phase: LoadPhaseName;
  /** Offsets (ms since the result's origin) of the first and last request sent in the phase. */
  firstMs: number | null;
  lastMs: number | null;
  requests: number;
  errors: number;
  errorRate: number | null;
  degraded: number;
  degradedShare: number | null;
  latencyMs: LatencySummary;
  /** Sent requests per second over the phase's span of send times. */
  throughputRps: number | null;
  /** Mean NDCG@10 of the scored requests, and how many were scored. */
  ndcg10: number | null;
  scored: number;
  droppedIterations: number;
  /** How late the generator sent this phase's requests against its schedule (`drillbook_schedule_lag`), ms; null when the engine recorded none. */
  schedLagMs: { p99: number | null; max: number | null; count: number };
  /**
   * 2xx answers that did not fit the target's protocol adapter, by error (`outputs[0].data: expected
   * an array of item ids`); they are counted in `errors` too. Absent when there were none.
   */
  invalidResponses?: Record<string, number>;
}

/** One request, compact: enough for time-to-recover, interruption and per-second series. */
export interface LoadSample {
  /** Send time (the scheduled time for the built-in engine), ms since `origin`. */
  t: number;
  /** Latency in ms (built-in: from the scheduled send time; k6: `http_req_duration`). */
  ms: number;
  ok: boolean;
  degraded: boolean;
  ndcg: number | null;
  phase: LoadPhaseName;
  /**
   * Iteration number within its phase (from the request id `<phase>:<n>` both engines put in the
   * points' metadata), or null when the points carry none. Both engines send the n-th request of
   * every phase from the same held-out session, so equal indices in two phases are the same query.
   */
  index?: number | null;
}

export interface LoadResult {
  engine: LoadEngineName | 'unknown';
  /** ISO time that sample offsets are relative to: the first request's send time. */
  origin: string | null;
  testRunDurationMs: number;
  thresholds: ThresholdResult[];
  thresholdsOk: boolean;
  phases: PhaseLoadStats[];
  totals: {
    requests: number;
    errors: number;
    errorRate: number | null;
    degraded: number;
    droppedIterations: number;
    latencyMs: LatencySummary;
  };
  /** Sorted by `t`. */
  samples: LoadSample[];
}
