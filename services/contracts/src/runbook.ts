/**
 * Runbook: one YAML file per drill. Concepts borrowed from Chaos Toolkit (steady state, method,
 * rollbacks), LitmusChaos/Steadybit (probes, blast radius) and AWS FIS (stop conditions).
 * The JSON Schema in `schemas.ts` is the normative definition; these types mirror it.
 */
import type { FaultRequest, ProcessAction } from './faults.js';
import { PROVIDER_STEP_KINDS, type ProviderStep, type TargetProviders } from './providers.js';

/** A duration such as "500ms", "30s", "2m", "1h". */
export type Duration = string;

/**
 * Where a step acts. `any:N` picks N healthy replicas at run time, `zone:<z>` every replica of a
 * zone, `replica:<id>` one replica, `all` every replica, `gateway` the gateway.
 */
export type TargetSelector = string;

export type LoadPhaseName = 'baseline' | 'fault' | 'recovery';
export const LOAD_PHASES: readonly LoadPhaseName[] = ['baseline', 'fault', 'recovery'];

export type LoadProfile = 'smoke' | 'average' | 'peak' | 'stress' | 'spike' | 'soak';

export interface LoadSpec {
  profile: LoadProfile;
  /** Open-model arrival rate in requests per second during every phase (unless overridden per phase). */
  rate: number;
  /** Length of each phase; the method's fault steps run at the start of `fault`, recovery steps at the start of `recovery`. */
  phases: Record<LoadPhaseName, Duration>;
  /** Per-phase rate overrides. */
  phaseRates?: Partial<Record<LoadPhaseName, number>>;
  /** Query/user mix per phase: `training` draws held-out sessions like the training data, `drifted` shifts categories and segments. */
  mix?: Partial<Record<LoadPhaseName, 'training' | 'drifted'>>;
  /** k6 script used when the k6 engine runs (path relative to the repository root). */
  scenario?: string;
  /** Request deadline for the load client. */
  timeout?: Duration;
  /** Number of items requested per call. */
  k?: number;
  /** Run the k6 scenario on the k6 operator with N runners (a Kubernetes target); outputs are merged into one summary. */
  distributed?: {
    parallelism: number;
    /** ReadWriteMany PersistentVolumeClaim the runners write their outputs to. */
    outputClaim: string;
    /** ConfigMap with `sessions.json` (the service's load sessions) for SESSIONS_FILE. */
    sessionsConfigMap?: string;
    image?: string;
  };
  /** What `--quick` uses instead (tests, CI). */
  quick?: { rate?: number; phases?: Partial<Record<LoadPhaseName, Duration>> };
}

export const OBJECTIVE_SLIS = [
  'availability',
  'error_rate',
  'failed_requests',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'degraded_share',
  'ndcg_ratio',
  'time_to_recover_s',
  'time_to_detect_s',
  'interruption_s',
  'recovery_rate',
  'error_budget_consumed',
  'throughput_ratio',
  'probe',
  'undetected_impact',
  'alert_noise',
  'promql',
] as const;
export type ObjectiveSli = (typeof OBJECTIVE_SLIS)[number];

export type Comparator = '<=' | '>=';

export interface Objective {
  name: string;
  sli: ObjectiveSli;
  /** Which load window is scored: a phase, or `drill` for the whole run. Default `drill`. */
  phase?: LoadPhaseName | 'drill';
  op: Comparator;
  target: number;
  /** Relative importance in the score. Default 1. */
  weight?: number;
  /** For `sli: probe`: the name of the probe step whose outcome is scored (1 passed, 0 failed). */
  probe?: string;
  /**
   * For `sli: promql`: the name of one of the service's PromQL SLIs (`services[].slis[].name` in the
   * controller config). The objective is judged on the service's own metrics: that SLI's error ratio
   * (0..1) evaluated by Prometheus over the objective's phase; `no-data` without a Prometheus.
   */
  promql?: string;
  description?: string;
  /**
   * Part of the steady-state hypothesis (default true for availability, error-rate and latency
   * SLIs): the baseline phase must meet the same target before a fault result counts. Set false to
   * opt this objective out, explicitly.
   */
  steadyState?: boolean;
  /** For `sli: undetected_impact`: how soon after the fault an expected alert must fire (or be projected to). Default 5m. */
  within?: Duration;
}

export interface AbortCondition {
  name: string;
  sli: 'error_rate' | 'latency_p99_ms' | 'availability' | 'degraded_share';
  op: Comparator;
  threshold: number;
  /** Debounce: the condition must hold this long before the drill aborts. */
  for: Duration;
  /** Sliding window the SLI is computed over. Default 5s. */
  window?: Duration;
}

export interface Guardrails {
  maxDuration: Duration;
  blastRadius: {
    /** Most replicas any single step may act on. */
    maxReplicas: number;
    /** Most zones any single step may act on. Default 1. */
    maxZones?: number;
  };
  abortWhen?: AbortCondition[];
  /** Preflight refuses to start when less than this share of the error budget remains. */
  minErrorBudget?: number;
  dryRun?: boolean;
}

interface StepBase {
  name: string;
  /** `fault` (default) runs at the start of the fault phase, `recovery` at the start of the recovery phase. */
  phase?: 'fault' | 'recovery';
  description?: string;
  /** A failing step fails the method unless this is true. */
  continueOnFailure?: boolean;
}

export type FaultSpec = Omit<FaultRequest, 'ttlMs' | 'note'>;

export interface FaultInjectStep extends StepBase {
  kind: 'fault.inject';
  target: TargetSelector;
  fault: FaultSpec;
  ttl: Duration;
}
export interface FaultClearStep extends StepBase {
  kind: 'fault.clear';
  target: TargetSelector;
  /** Only faults of this type; default every fault this drill injected on the target. */
  type?: FaultSpec['type'];
}
export interface WaitStep extends StepBase {
  kind: 'wait';
  duration: Duration;
}
export interface Expectation {
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  value: number;
}
export interface HttpProbeStep extends StepBase {
  kind: 'probe.http';
  /** Absolute URL, or a path resolved against `target`. */
  url?: string;
  target?: TargetSelector;
  path?: string;
  method?: 'GET' | 'POST';
  body?: unknown;
  expectStatus?: number;
  /** Keep trying until it passes or this much time has gone. */
  within?: Duration;
  timeout?: Duration;
}
export interface PromqlProbeStep extends StepBase {
  kind: 'probe.promql';
  query: string;
  expect: Expectation;
  /** Prometheus base URL; default the one configured for the service. */
  prometheus?: string;
  within?: Duration;
}
export interface MetricsProbeStep extends StepBase {
  kind: 'probe.metrics';
  target: TargetSelector;
  metric: string;
  labels?: Record<string, string>;
  /** Sum of matching series (default) or the change since the drill started. */
  mode?: 'value' | 'increase';
  expect: Expectation;
  within?: Duration;
}
export interface ModelDeployStep extends StepBase {
  kind: 'model.deploy';
  target: TargetSelector;
  version: string;
  /** Deploy as a canary: this share of traffic goes to the candidate, and the gateway's analysis promotes or rolls back. */
  canaryWeight?: number;
}
export interface ModelRollbackStep extends StepBase {
  kind: 'model.rollback';
  target: TargetSelector;
}
export interface ModelPublishStep extends StepBase {
  kind: 'model.publish';
  /** Existing version to derive from. Default: the serving version. */
  from?: string;
  version: string;
  /** How the published artefact is broken (the drill's fault); it is still hashed and signed. */
  mutation: 'none' | 'shuffle-item-embeddings' | 'zero-user-tower';
}
export interface ProcessStep extends StepBase {
  kind: 'process.kill' | 'process.pause' | 'process.resume' | 'process.restart';
  target: TargetSelector;
}
/** Delete a replica's local model registry and restart it, so it must restore from the backup location. */
export interface RegistryWipeStep extends StepBase {
  kind: 'registry.wipe';
  target: TargetSelector;
}
/**
 * Model store steps (issue 23): act on the target's remote model store (on the embedded stack, the
 * nginx it starts with spec `modelStore`). Every change they make is journaled and undone by the
 * rollback: the store is started again, corrupted objects get their bytes back, a wiped store is
 * re-published from the stack's own registry.
 */
export interface StoreOutageStep extends StepBase {
  /** `store.stop`: the store server goes down (open downloads are cut); `store.start` brings it back. */
  kind: 'store.stop' | 'store.start';
}
/** Alter one object of a version in the store (same size, other bytes): replicas must refuse it. */
export interface StoreCorruptStep extends StepBase {
  kind: 'store.corrupt';
  version: string;
  /** `model` / `features`: the artefact blob (sha256 mismatch); `manifest`: the signed manifest (signature mismatch). Default `model`. */
  object?: 'model' | 'features' | 'manifest';
}
/** The store loses its disk: every object is deleted (the server keeps running and answers 404). */
export interface StoreWipeStep extends StepBase {
  kind: 'store.wipe';
}
/** Recovery: re-publish every version of the backup location into the store (`model:publish --all`). */
export interface StoreRestoreStep extends StepBase {
  kind: 'store.restore';
  from?: 'backup';
}
/** Probe: every version the registry holds is in the store's index, fetchable, and verifies (signature, sha256). */
export interface StoreProbeStep extends StepBase {
  kind: 'probe.store';
}
/**
 * A rolling deploy: one replica after the other, each must serve `version` within `within` (default
 * 10s). When one cannot, the rollout stops and (`onFailure: rollback`, the default) the replicas it
 * already moved go back to the version they served.
 */
export interface ModelRolloutStep extends StepBase {
  kind: 'model.rollout';
  target: TargetSelector;
  version: string;
  within?: Duration;
  onFailure?: 'rollback' | 'halt';
}
/** Scale out by one replica (embedded stack). `warmFrom` seeds its model cache from a running replica's cache. */
export interface ReplicaAddStep extends StepBase {
  kind: 'replica.add';
  zone?: string;
  warmFrom?: TargetSelector;
  /** How long the step waits for the new replica to be ready before it gives up (default 20s). */
  within?: Duration;
}
export type ModelStoreStep = StoreOutageStep | StoreCorruptStep | StoreWipeStep | StoreRestoreStep | StoreProbeStep | ModelRolloutStep | ReplicaAddStep;
export const MODEL_STORE_STEP_KINDS = ['store.stop', 'store.start', 'store.corrupt', 'store.wipe', 'store.restore', 'probe.store', 'model.rollout', 'replica.add'] as const;

export interface HumanAckStep extends StepBase {
  kind: 'human.ack';
  prompt: string;
  timeout?: Duration;
  /** What happens when nobody answers before the timeout, or when running non-interactively without --yes. */
  onTimeout?: 'continue' | 'abort';
}

/** How many of the pods a Kubernetes or Chaos Mesh step selects (Chaos Mesh's modes). */
export type KubePodMode = 'one' | 'fixed' | 'fixed-percent' | 'all';

interface KubeSelectingStep extends StepBase {
  /** Pod labels; default `target.kubernetes.selector`. */
  selector?: Record<string, string>;
  mode: KubePodMode;
  /** Pods for `fixed`, percent (1..100) for `fixed-percent`. */
  value?: number;
  /** How long the fault lasts: Chaos Mesh `duration`; for pod deletion, how long the drill counts it active. */
  ttl: Duration;
}
/** Delete pods chosen by label selector and mode (`gracePeriodSeconds: 0`, the default, kills them). */
export interface KubePodDeleteStep extends KubeSelectingStep {
  kind: 'k8s.pod.delete';
  gracePeriodSeconds?: number;
}
/** Scale a Deployment or StatefulSet; restored by `k8s.clear` (put one in `rollback`). */
export interface KubeScaleStep extends StepBase {
  kind: 'k8s.scale';
  workload: { kind: 'Deployment' | 'StatefulSet'; name: string };
  replicas: number;
  ttl: Duration;
}
export interface ChaosPodStep extends KubeSelectingStep {
  kind: 'chaos.pod';
  action: 'pod-kill' | 'pod-failure' | 'container-kill';
  containerNames?: string[];
}
export interface ChaosNetworkStep extends KubeSelectingStep {
  kind: 'chaos.network';
  action: 'delay' | 'loss' | 'partition';
  /** delay: e.g. "200ms". */
  latency?: Duration;
  jitter?: Duration;
  /** loss: percent of packets dropped. */
  lossPercent?: number;
  /** partition: traffic between pods in these two zones is cut both ways. */
  fromZone?: string;
  toZone?: string;
}
export interface ChaosStressStep extends KubeSelectingStep {
  kind: 'chaos.stress';
  cpu: { workers: number; load: number };
}
export interface ChaosHttpStep extends KubeSelectingStep {
  kind: 'chaos.http';
  port: number;
  path?: string;
  target?: 'Request' | 'Response';
  delay?: Duration;
  abort?: boolean;
  replace?: { code?: number; body?: string };
}
/** Undo every Kubernetes / Chaos Mesh fault this drill made: restore scaled workloads, delete chaos objects. */
export interface KubeClearStep extends StepBase {
  kind: 'k8s.clear';
}
export type KubernetesStep = KubePodDeleteStep | KubeScaleStep | ChaosPodStep | ChaosNetworkStep | ChaosStressStep | ChaosHttpStep | KubeClearStep;
export const KUBERNETES_STEP_KINDS = ['k8s.pod.delete', 'k8s.scale', 'chaos.pod', 'chaos.network', 'chaos.stress', 'chaos.http', 'k8s.clear'] as const;

export type Step =
  | KubernetesStep
  | ProviderStep
  | FaultInjectStep
  | FaultClearStep
  | WaitStep
  | HttpProbeStep
  | PromqlProbeStep
  | MetricsProbeStep
  | ModelDeployStep
  | ModelRollbackStep
  | ModelPublishStep
  | ProcessStep
  | RegistryWipeStep
  | ModelStoreStep
  | HumanAckStep;
export type StepKind = Step['kind'];
export const STEP_KINDS: readonly StepKind[] = [
  'fault.inject',
  'fault.clear',
  'wait',
  'probe.http',
  'probe.promql',
  'probe.metrics',
  'model.deploy',
  'model.rollback',
  'model.publish',
  'process.kill',
  'process.pause',
  'process.resume',
  'process.restart',
  'registry.wipe',
  'human.ack',
  ...MODEL_STORE_STEP_KINDS,
  ...KUBERNETES_STEP_KINDS,
  ...PROVIDER_STEP_KINDS,
];

/** A signal polled during the drill; the first time it holds is the time to detect. */
export type DetectionSignal =
  | { kind: 'alert'; alertname: string; prometheus?: string; severity?: string }
  | { kind: 'metric'; target: TargetSelector; metric: string; labels?: Record<string, string>; mode?: 'value' | 'increase'; expect: Expectation };

/**
 * The model variants the embedded stack can serve (issue 23): `fp32` is the trained export, `int8` and
 * `fp16` are compressed exports of the same weights, published as `<version>-int8` / `<version>-fp16`.
 */
export const STACK_MODEL_VARIANTS = ['fp32', 'int8', 'fp16'] as const;
export type StackModelVariant = (typeof STACK_MODEL_VARIANTS)[number];

/** Settings for the embedded reference stack the drill runs against when no target URL is given. */
export interface EmbeddedStackSpec {
  replicas?: number;
  zones?: string[];
  gateway?: {
    retries?: boolean;
    maxInFlight?: number;
    ejection?: boolean;
    canaryAnalysis?: boolean;
    /** The gateway's last-resort popularity answer when no replica can serve. */
    fallback?: boolean;
  };
  replica?: {
    fallback?: boolean;
    maxQueue?: number;
    deadlineMs?: number;
    /** Deadline of the feature-store lookup. */
    featureTimeoutMs?: number;
    maxBatch?: number;
    /** Minimum engine time per batch (emulated accelerator kernel): gives the stack a known capacity. */
    batchMs?: number;
    drift?: boolean;
    /** Requests in each replica's drift window. */
    driftWindow?: number;
    backup?: boolean;
    /** Dynamic batching: longest a request waits for its batch to fill (BATCH_DELAY_MS). */
    maxDelayMs?: number;
    /** onnxruntime intra-op threads per replica (ORT_THREADS; the stack's default is 1). */
    ortThreads?: number;
    /**
     * Inference workers per replica, each with its own onnxruntime session (ORT_WORKERS; default 1).
     * The replica then runs up to this many batches at once (BATCH_CONCURRENCY raised to it).
     */
    ortWorkers?: number;
  };
  shoppers?: boolean;
  /**
   * Serve models from a remote model store (a real nginx the stack starts, issue 23): replicas fetch
   * into a verified cache instead of getting a copy of the registry. `cache: false` is the scale-out
   * drill's mutation (nothing cached is reused).
   */
  modelStore?: { cache?: boolean; cacheMaxBytes?: number };
  /**
   * The model the replicas serve: `variant` (default `fp32`) picks a compressed export of the same
   * trained weights; the replicas then serve `<version>-<variant>` (e.g. `v1-int8`).
   */
  model?: { variant?: StackModelVariant };
}

export interface Runbook {
  apiVersion: 'drillbook.dev/v1';
  kind: 'Runbook';
  metadata: {
    name: string;
    title: string;
    owner: string;
    tags?: string[];
    description?: string;
  };
  target: {
    /** Catalogue service id. */
    service: string;
    /** Base URL of the service's gateway; omitted = the embedded reference stack. */
    url?: string;
    /** How to talk to the service (target.ts); omitted = `drillbook` (`POST /v1/recommend`). */
    protocol?: import('./target.js').TargetProtocol;
    /** The service on a Kubernetes cluster: where Kubernetes and Chaos Mesh steps act. */
    kubernetes?: {
      namespace: string;
      /** Labels of the service's replica pods (default selector of the steps). */
      selector: Record<string, string>;
      /** Node label holding the zone. Default topology.kubernetes.io/zone. */
      zoneKey?: string;
    };
    /** Fault providers beyond the reference replicas' admin API: the fault proxy, allow-listed host processes (providers.ts). */
    providers?: TargetProviders;
  };
  hypothesis: string;
  load: LoadSpec;
  objectives: Objective[];
  detection?: DetectionSignal[];
  /** The alerts that should catch this drill's fault (read from Prometheus' ALERTS during the drill). */
  expectedAlerts?: import('./alertTimeline.js').AlertExpectations;
  guardrails: Guardrails;
  steadyState?: { before?: Step[]; after?: Step[] };
  steps: Step[];
  rollback: Step[];
  /** What an on-call engineer should do when this drill fails (rendered into reports and alert runbook links). */
  onFailure?: string;
  stack?: EmbeddedStackSpec;
}
