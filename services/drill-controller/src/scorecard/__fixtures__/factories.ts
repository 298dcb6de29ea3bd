/** Small factories for scorecard tests: a journal and a load result built from a per-request recipe. */
import type { DrillJournal, LoadPhaseName, Runbook } from '@drillbook/contracts';
import type { LoadOutcome, LoadResult, LoadSample, PhaseLoadStats } from '../../load/index.js';

export const T0 = Date.parse('2026-11-23T10:00:00.000Z');
export const iso = (msFromT0: number) => new Date(T0 + msFromT0).toISOString();

export interface PhaseRecipe {
  phase: LoadPhaseName;
  durationS: number;
  rate: number;
  /** Per request at offset t (ms from T0), the i-th of its phase: latency, ok, degraded, ndcg. */
  at?: (t: number, i: number) => Partial<Pick<LoadSample, 'ms' | 'ok' | 'degraded' | 'ndcg'>>;
}

function pct(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** `indexed`: samples carry their iteration number, as read from points that name their requests. */
export function fakeLoad(phases: PhaseRecipe[], opts: { dropped?: number; thresholdsOk?: boolean; indexed?: boolean; schedLagP99Ms?: number; hostCpu?: LoadOutcome['hostCpu'] } = {}): { load: LoadResult; outcome: LoadOutcome } {
  const samples: LoadSample[] = [];
  const stats: PhaseLoadStats[] = [];
  const windows: LoadOutcome['windows'] = [];
  let start = 0;
  for (const p of phases) {
    const n = Math.round(p.durationS * p.rate);
    const mine: LoadSample[] = [];
    for (let i = 0; i < n; i++) {
      const t = start + (i * 1000) / p.rate;
      const x = p.at?.(t, i) ?? {};
      mine.push({ t, ms: x.ms ?? 20, ok: x.ok ?? true, degraded: x.degraded ?? false, ndcg: x.ndcg === undefined ? 0.3 : x.ndcg, phase: p.phase, ...(opts.indexed ? { index: i } : {}) });
    }
    samples.push(...mine);
    const lat = mine.map((s) => s.ms).sort((a, b) => a - b);
    const errors = mine.filter((s) => !s.ok).length;
    const scored = mine.filter((s) => s.ndcg !== null);
    stats.push({
      phase: p.phase,
      firstMs: mine[0]?.t ?? null,
      lastMs: mine[mine.length - 1]?.t ?? null,
      requests: mine.length,
      errors,
      errorRate: mine.length ? errors / mine.length : null,
      degraded: mine.filter((s) => s.degraded).length,
      degradedShare: mine.length ? mine.filter((s) => s.degraded).length / mine.length : null,
      latencyMs: { p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), max: lat[lat.length - 1] ?? null },
      throughputRps: p.rate,
      ndcg10: scored.length ? scored.reduce((a, s) => a + (s.ndcg ?? 0), 0) / scored.length : null,
      scored: scored.length,
      droppedIterations: 0,
      schedLagMs: { p99: opts.schedLagP99Ms ?? 2, max: (opts.schedLagP99Ms ?? 2) * 1.5, count: mine.length },
    });
    windows.push({ phase: p.phase, start: iso(start), end: iso(start + p.durationS * 1000) });
    start += p.durationS * 1000;
  }
  const lat = samples.map((s) => s.ms).sort((a, b) => a - b);
  const errors = samples.filter((s) => !s.ok).length;
  const load: LoadResult = {
    engine: 'builtin',
    origin: iso(0),
    testRunDurationMs: start,
    thresholds: [{ metric: 'http_req_failed', expr: 'rate<0.001', ok: opts.thresholdsOk ?? true }],
    thresholdsOk: opts.thresholdsOk ?? true,
    phases: stats,
    totals: {
      requests: samples.length,
      errors,
      errorRate: samples.length ? errors / samples.length : null,
      degraded: samples.filter((s) => s.degraded).length,
      droppedIterations: opts.dropped ?? 0,
      latencyMs: { p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), max: lat[lat.length - 1] ?? null },
    },
    samples,
  };
  const outcome: LoadOutcome = {
    engine: 'builtin',
    status: opts.thresholdsOk === false ? 'thresholds-crossed' : 'completed',
    exitCode: opts.thresholdsOk === false ? 99 : 0,
    summaryFile: 'load/summary.json',
    pointsFile: 'load/points.ndjson',
    startedAt: iso(0),
    endedAt: iso(start),
    windows,
    interrupted: 0,
    ...(opts.hostCpu ? { hostCpu: opts.hostCpu } : {}),
  };
  return { load, outcome };
}

export function fakeJournal(over: Partial<DrillJournal> = {}): DrillJournal {
  return {
    schemaVersion: 1,
    drillId: 'drill-test-1',
    runbook: { name: 'replica-loss', title: 'Replica loss', file: 'runbooks/replica-loss.yaml', sha256: 'a'.repeat(64) },
    service: 'recsys-reference',
    target: { url: 'http://127.0.0.1:1', embedded: true, replicas: [] },
    status: 'completed',
    dryRun: false,
    startedAt: iso(-5000),
    endedAt: iso(40_000),
    modelVersion: 'v1',
    activities: [],
    faults: [{ id: 'kill:r1:123', step: 'kill one replica', replica: 'r1', type: 'process.kill', injectedAt: iso(10_000), ttlMs: null, clearedAt: iso(39_000), clearedBy: 'restart' }],
    faultEvidence: [{ at: iso(10_050), signal: 'fault:kill one replica', detail: 'r1 process 123 exited on SIGKILL' }],
    load: { engine: 'builtin', summaryFile: 'load/summary.json', pointsFile: 'load/points.ndjson', plannedRate: { baseline: 50, fault: 50, recovery: 50 }, windows: [] },
    ...over,
  };
}

export function fakeRunbook(objectives: Runbook['objectives']): Runbook {
  return {
    apiVersion: 'drillbook.dev/v1',
    kind: 'Runbook',
    metadata: { name: 'replica-loss', title: 'Replica loss', owner: 'team' },
    target: { service: 'recsys-reference' },
    hypothesis: 'killing a replica costs nothing',
    load: { profile: 'peak', rate: 50, phases: { baseline: '10s', fault: '20s', recovery: '10s' } },
    objectives,
    guardrails: { maxDuration: '2m', blastRadius: { maxReplicas: 1 } },
    steps: [{ kind: 'process.kill', name: 'kill one replica', target: 'any:1' }],
    rollback: [],
    onFailure: 'check retries',
  };
}

export const PHASES = (at?: PhaseRecipe['at']): PhaseRecipe[] => [
  { phase: 'baseline', durationS: 10, rate: 50, at },
  { phase: 'fault', durationS: 20, rate: 50, at },
  { phase: 'recovery', durationS: 10, rate: 50, at },
];
