/**
 * A drill scorecard (type from @drillbook/contracts) with an alert timeline: 120 s of load, the
 * fault from 30 s to 70 s, latency and errors rising in the fault window, and three alerts Prometheus
 * reported. Pass overrides (often `detection`) for what a test is about.
 */
import type { AlertTimelineEntry, DetectionFindings, Scorecard } from '@drillbook/contracts';

export function makeAlert(overrides: Partial<AlertTimelineEntry> = {}): AlertTimelineEntry {
  return {
    alertname: 'RecsysUpstreamDown',
    severity: 'page',
    expected: true,
    forS: 0,
    pendingS: 2,
    firingS: 2,
    projectedFiringS: null,
    resolvedS: 31,
    firedInBaseline: false,
    ...overrides,
  };
}

export function makeDetection(overrides: Partial<DetectionFindings> = {}): DetectionFindings {
  return {
    source: 'prometheus',
    prometheus: 'http://127.0.0.1:9099',
    note: null,
    projected: false,
    faultAtS: 30,
    timeline: [
      // Deliberately not in display order: an unexpected alert first, and the earliest to go pending.
      makeAlert({ alertname: 'RecsysLatencyHigh', severity: 'ticket', expected: false, forS: 300, pendingS: 1, firingS: null, projectedFiringS: null, resolvedS: 45 }),
      makeAlert({ alertname: 'RecsysFallbackRateHigh', severity: 'page', expected: true, forS: 120, pendingS: 3.5, firingS: null, projectedFiringS: 123.5, resolvedS: null }),
      makeAlert(),
    ],
    impact: ['availability 97.9% < 99.9% in the fault phase'],
    boundS: 300,
    undetectedImpact: false,
    noise: [],
    ...overrides,
  };
}

export function makeScorecard(overrides: Partial<Scorecard> = {}): Scorecard {
  const t = Array.from({ length: 120 }, (_, i) => i);
  const inFault = (s: number) => s >= 30 && s < 70;
  return {
    schemaVersion: 1,
    drillId: 'drl_02',
    runbook: { name: 'dependency-outage', title: 'Dependency outage', sha256: '0'.repeat(64) },
    service: 'recsys-reference',
    modelVersion: 'v3',
    status: 'passed',
    statusReason: 'every objective met',
    score: 88,
    hypothesis: 'When the feature store goes away the service falls back and pages on-call',
    startedAt: '2025-11-20T10:00:00.000Z',
    endedAt: '2025-11-20T10:02:00.000Z',
    durationS: 120,
    objectives: [],
    phases: [],
    timeToDetectS: 2,
    detectedBy: 'alert RecsysUpstreamDown (page)',
    detection: makeDetection(),
    timeToRecoverS: 12,
    interruptionS: 4,
    recoveryRate: 1,
    errorBudget: { slo: 'availability', objective: 0.999, periodDays: 28, events: 12000, badEvents: 40, burnRate: 3.3, consumed: 0.0014, remainingAtStart: 0.8 },
    quality: { baselineNdcg10: 0.41, drillNdcg10: 0.38, ndcgRatio: 0.93, scoredRequests: 900 },
    degradedShare: 0.3,
    proof: {
      valid: true,
      faultObserved: { ok: true, evidence: ['feature store unreachable'] },
      loadDelivered: { ok: true, plannedRequests: 12000, sentRequests: 12000, droppedIterations: 0, achievedRatio: 1 },
    },
    steadyState: { established: true, reason: 'baseline met the objectives' },
    load: {
      engine: 'builtin',
      generator: { schedLagP99Ms: 1, droppedIterations: 0, hostCpuBusy: 0.4, hostCpuSteal: 0, saturated: false, reason: 'healthy', phases: [] },
      thresholdsOk: true,
      exitCode: 0,
      thresholds: [],
    },
    abort: null,
    faultWindows: [{ label: 'fault phase', startS: 30, endS: 70 }],
    timeline: [],
    series: {
      t,
      rps: t.map(() => 100),
      errorRate: t.map(s => (inFault(s) ? 0.05 : 0)),
      p99Ms: t.map(s => (s === 0 ? null : inFault(s) ? 180 : 40)),
      degradedShare: t.map(s => (inFault(s) ? 0.8 : 0)),
    },
    evidence: { journal: 'journal.json', loadSummary: 'load.json', points: 'points.ndjson', report: 'report.html', junit: 'junit.xml' },
    ...overrides,
  };
}
