/**
 * Factories for controller API resources (types from @drillbook/contracts). Every factory takes
 * overrides so a test states only what it is about.
 */
import type {
  DrillEvent,
  DrillPlan,
  DrillSummary,
  GpuDevice,
  GpuStatus,
  RunbookSummary,
  ServiceSummary,
  SloStatus,
  WhoAmI,
} from '@drillbook/contracts';

const AT = '2025-11-20T10:00:00.000Z';

export function makeSlo(overrides: Partial<SloStatus> = {}): SloStatus {
  return {
    name: 'availability',
    title: 'Recommendations served successfully',
    sli: 'availability',
    objective: 0.999,
    periodDays: 30,
    attainment: 0.9995,
    errorBudgetRemaining: 0.62,
    burnRate: 0.8,
    burnRates: [
      { window: '5m', value: 0.8 },
      { window: '1h', value: 0.7 },
    ],
    thresholds: { page: [14.4, 6], ticket: [3, 1] },
    budgetHistory: [
      { t: '2025-11-20T06:00:00.000Z', remaining: 0.7 },
      { t: '2025-11-20T07:00:00.000Z', remaining: 0.68 },
      { t: '2025-11-20T08:00:00.000Z', remaining: 0.66 },
      { t: '2025-11-20T09:00:00.000Z', remaining: 0.63 },
      { t: '2025-11-20T10:00:00.000Z', remaining: 0.62 },
    ],
    source: { kind: 'prometheus', url: 'http://127.0.0.1:9099', at: AT },
    ...overrides,
  };
}

export function makeGpuDevice(overrides: Partial<GpuDevice> = {}): GpuDevice {
  return {
    replica: 'replica-a1',
    device: 'GPU-0',
    kind: 'gpu',
    utilization: 0.42,
    memoryUsedBytes: 6 * 1024 ** 3,
    memoryTotalBytes: 24 * 1024 ** 3,
    model: 'NVIDIA L4',
    ...overrides,
  };
}

export function makeGpu(overrides: Partial<GpuStatus> = {}): GpuStatus {
  return {
    present: true,
    devices: [makeGpuDevice(), makeGpuDevice({ replica: 'replica-b1', device: 'GPU-1', utilization: 0.9, memoryUsedBytes: 20 * 1024 ** 3 })],
    source: { kind: 'prometheus', url: 'http://127.0.0.1:9099', at: AT, detail: 'DCGM exporter (DCGM_FI_DEV_GPU_UTIL)' },
    ...overrides,
  };
}

/** What the controller reports for a CPU-only service: no GPU, the CPU engine's busy fraction. */
export function makeNoGpu(overrides: Partial<GpuStatus> = {}): GpuStatus {
  return {
    present: false,
    devices: [makeGpuDevice({ kind: 'cpu', device: 'cpu', model: undefined, utilization: 0.18, memoryUsedBytes: null, memoryTotalBytes: null })],
    source: { kind: 'scrape', url: 'http://127.0.0.1:8081/metrics', at: AT, detail: 'accelerator_utilization_ratio from the replicas' },
    message: 'no GPU on this service: inference runs on CPU',
    ...overrides,
  };
}

export function makeDrill(overrides: Partial<DrillSummary> = {}): DrillSummary {
  return {
    id: 'drl_01',
    runbook: 'replica-crash',
    service: 'recsys-reference',
    state: 'passed',
    dryRun: false,
    requestedBy: 'operator@example.com',
    createdAt: AT,
    startedAt: AT,
    endedAt: '2025-11-20T10:03:00.000Z',
    currentPhase: null,
    score: 92,
    timeToRecoverS: 14.5,
    errorBudgetConsumed: 0.012,
    ndcgRatio: 0.97,
    statusReason: 'every objective met',
    reportUrl: '/api/v1/drills/drl_01/report',
    ...overrides,
  };
}

export function makeService(overrides: Partial<ServiceSummary> = {}): ServiceSummary {
  return {
    id: 'recsys-reference',
    title: 'Reference recommender',
    owner: 'search-relevance',
    description: 'Two-tower retrieval and ranking for product search',
    entityRef: 'component:default/recsys-reference',
    tags: ['recsys'],
    gatewayUrl: 'http://127.0.0.1:8080',
    replicas: [
      { id: 'replica-a1', zone: 'zone-a', url: 'http://127.0.0.1:8081', ready: true, modelVersion: 'v3' },
      { id: 'replica-b1', zone: 'zone-b', url: 'http://127.0.0.1:8082', ready: true, modelVersion: 'v3' },
    ],
    modelVersion: 'v3',
    slos: [makeSlo(), makeSlo({ name: 'latency', title: 'p99 under 250 ms', sli: 'latency', objective: 0.99, attainment: 0.993, errorBudgetRemaining: 0.3, burnRate: 2.1 })],
    gpu: makeGpu(),
    lastDrill: makeDrill(),
    scoreTrend: [
      { drillId: 'drl_00', at: '2025-11-19T10:00:00.000Z', score: 71, status: 'failed', runbook: 'replica-crash' },
      { drillId: 'drl_01', at: AT, score: 92, status: 'passed', runbook: 'replica-crash' },
    ],
    permissions: { launch: true, abort: true },
    ...overrides,
  };
}

export function makeRunbook(overrides: Partial<RunbookSummary> = {}): RunbookSummary {
  return {
    name: 'replica-crash',
    title: 'A replica crashes under load',
    file: 'runbooks/replica-crash.yaml',
    service: 'recsys-reference',
    hypothesis: 'Killing one replica costs no client-visible failures',
    tags: ['failover'],
    owner: 'search-relevance',
    faults: ['crash'],
    durationS: 180,
    objectives: [{ name: 'availability', sli: 'availability', op: '>=', target: 0.999, weight: 1 }],
    ...overrides,
  };
}

export function makePlan(overrides: Partial<DrillPlan> = {}): DrillPlan {
  return {
    runbook: 'replica-crash',
    title: 'A replica crashes under load',
    service: 'recsys-reference',
    hypothesis: 'Killing one replica costs no client-visible failures',
    load: {
      engine: 'builtin',
      profile: 'average',
      phases: [
        { phase: 'baseline', durationS: 60, rate: 20 },
        { phase: 'fault', durationS: 60, rate: 20 },
        { phase: 'recovery', durationS: 60, rate: 20 },
      ],
      totalRequests: 3600,
    },
    actions: [
      { atS: 60, phase: 'method', loadPhase: 'fault', kind: 'fault', name: 'crash replica', description: 'crash replica-a1', targets: ['replica-a1'], ttlS: 120 },
    ],
    rollback: [{ atS: 180, phase: 'rollback', kind: 'fault-clear', name: 'clear faults', description: 'clear every fault this drill injected', targets: ['replica-a1'] }],
    guardrails: ['abort when availability < 0.95 for 30s'],
    objectives: [{ name: 'availability', sli: 'availability', op: '>=', target: 0.999, weight: 1 }],
    maxDurationS: 300,
    ...overrides,
  };
}

export function makeEvent(seq: number, overrides: Partial<DrillEvent> = {}): DrillEvent {
  return { seq, drillId: 'drl_02', at: AT, type: 'log', message: `event ${seq}`, ...overrides };
}

export function makeWhoAmI(overrides: Partial<WhoAmI> = {}): WhoAmI {
  return { subject: 'backstage-proxy', role: 'operator', services: ['*'], ...overrides };
}
