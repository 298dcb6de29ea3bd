/**
 * The scorecard: a pure function of the drill journal, the load result and the runbook, computed in
 * ordered steps (each in steps/, each tested on its own):
 *
 *   phases -> recovery -> quality -> error budget -> objectives -> steady state -> generator health
 *   -> proof -> status -> series
 *
 * - The service's own PromQL SLIs (`serviceSlis`, evaluated by Prometheus beforehand in
 *   serviceSlis.ts) are recorded beside the load-measured figures, with their source, and judge the
 *   runbook's `sli: promql` objectives.
 * - Each objective gets its measured value, verdict and weighted contribution; a missed target
 *   earns partial credit by how far it was missed (explained in one sentence), never above 100.
 *   Latency objectives carry a 95% confidence interval; one missed only by its point estimate is
 *   `inconclusive`, not `missed`.
 * - Time to recover: from the first injected fault until availability and p99 (1 s windows,
 *   stepped every 100 ms) are back within objective and stay there for a sustained window.
 * - Interruption: how long those windows were outside objective. Error budget: burn rate over the
 *   drill times its duration, as a share of the SLO period's budget.
 * - Trust before verdict: proof the drill was real (fault evidence at the target, planned load
 *   delivered), a healthy load generator and host, and a steady state in the baseline. Without any
 *   of them the drill is `invalid`, never `failed` or `passed`.
 */
import type { DrillJournal, Runbook, Scorecard, ServiceSli } from '@drillbook/contracts';
import { SCORECARD_SCHEMA_VERSION } from '@drillbook/contracts';
import type { LoadOutcome, LoadResult } from '../load/index.js';
import { detectionStep, impactOf } from './steps/detection.js';
import { objectivesStep, type MeasureContext } from './steps/objectives.js';
import { phaseStats } from './steps/phases.js';
import { proofStep } from './steps/proof.js';
import { qualityStep } from './steps/quality.js';
import { recoveryStep } from './steps/recovery.js';
import { seriesStep } from './steps/series.js';
import { statusStep } from './steps/status.js';
import { generatorStep, steadyStateStep } from './steps/trust.js';
import { ms, round } from './steps/util.js';

export { credit } from './steps/objectives.js';
export { recovery, type RecoveryFigures } from './steps/recovery.js';
export { pairedNdcgRatio } from './steps/quality.js';

export interface SloReference {
  name: string;
  objective: number;
  periodDays: number;
}

export interface ScorecardInput {
  journal: DrillJournal;
  load: LoadResult | null;
  runbook: Runbook;
  outcome: LoadOutcome | null;
  slo: SloReference;
  quick?: boolean;
  /** The service's PromQL SLIs evaluated over the drill's phases (`evaluateServiceSlis`); absent when it has none. */
  serviceSlis?: ServiceSli[];
}

/** Error budget: the drill's burn rate times its duration, as a share of the SLO period's budget. */
export function errorBudgetStep(j: DrillJournal, load: LoadResult | null, slo: SloReference): Scorecard['errorBudget'] {
  const totals = load?.totals;
  const durationS = load ? load.testRunDurationMs / 1000 : 0;
  const errorRatio = totals && totals.requests ? totals.errors / totals.requests : null;
  const burnRate = errorRatio === null ? null : round(errorRatio / (1 - slo.objective), 4);
  const consumed = burnRate === null ? null : round((burnRate * durationS) / (slo.periodDays * 86400), 8);
  return { slo: slo.name, objective: slo.objective, periodDays: slo.periodDays, events: totals?.requests ?? 0, badEvents: totals?.errors ?? 0, burnRate, consumed, remainingAtStart: j.slo?.budgetRemainingAtStart ?? null };
}

export function computeScorecard(input: ScorecardInput): Scorecard {
  const { journal: j, load, runbook: rb, outcome, slo } = input;
  const origin = load?.origin ? ms(load.origin) : ms(j.startedAt);
  const rel = (iso: string) => round((ms(iso) - origin) / 1000, 3);
  const samples = load?.samples ?? [];
  const endMs = samples.length ? samples[samples.length - 1].t + 1 : 0;
  const faultWindow = (outcome?.windows ?? j.load?.windows ?? []).find((w) => w.phase === 'fault');

  const phases = phaseStats(j, load, outcome, rel);
  const rec = recoveryStep(j, rb, samples, origin, faultWindow?.start ?? null, !!input.quick);
  const { quality, phaseRatio } = qualityStep(phases, load);
  const errorBudget = errorBudgetStep(j, load, slo);
  const detection = detectionStep({ journal: j, runbook: rb, recovery: rec, origin, impact: impactOf(rec, phases, phaseRatio), faultPhaseStart: faultWindow?.start ?? null });
  const ctx: MeasureContext = {
    detection,
    phases,
    load,
    recovery: rec,
    phaseRatio,
    quality,
    errorBudgetConsumed: errorBudget.consumed,
    serviceSlis: input.serviceSlis,
    probes: (name) => {
      const runs = j.activities.filter((a) => a.name === name && a.status !== 'running');
      const last = runs[runs.length - 1];
      return last ? (last.status === 'succeeded' ? 1 : 0) : null;
    },
  };
  const { objectives, score } = objectivesStep(rb, ctx);
  const steadyState = steadyStateStep(rb, ctx);
  const generator = generatorStep(rb, load, outcome);
  const proof = proofStep(j, load, phases);
  const { status, statusReason } = statusStep({ journal: j, proof, generator, steadyState, objectives, load });
  const series = seriesStep(samples);
  const totals = load?.totals;

  const end = j.endedAt ?? new Date(origin + endMs).toISOString();
  const faultWindows: Scorecard['faultWindows'] = [];
  if (faultWindow) faultWindows.push({ label: 'fault phase', startS: rel(faultWindow.start), endS: rel(faultWindow.end) });
  for (const f of j.faults) {
    const stop = f.clearedAt ?? (f.ttlMs !== null ? new Date(ms(f.injectedAt) + f.ttlMs).toISOString() : faultWindow?.end ?? end);
    const endS = Math.min(rel(stop), f.ttlMs !== null ? rel(new Date(ms(f.injectedAt) + f.ttlMs).toISOString()) : Infinity);
    faultWindows.push({ label: `${f.type} @ ${f.replica}`, startS: rel(f.injectedAt), endS: Number.isFinite(endS) ? endS : rel(stop) });
  }

  return {
    schemaVersion: SCORECARD_SCHEMA_VERSION,
    drillId: j.drillId,
    runbook: j.runbook,
    service: j.service,
    modelVersion: j.modelVersion,
    status,
    statusReason,
    score,
    hypothesis: rb.hypothesis,
    startedAt: j.startedAt,
    endedAt: end,
    durationS: round((ms(end) - ms(j.startedAt)) / 1000, 2),
    objectives,
    phases,
    timeToDetectS: detection.timeToDetectS,
    detectedBy: detection.detectedBy,
    detection: detection.findings,
    timeToRecoverS: rec.rec?.ttrS ?? null,
    interruptionS: rec.rec?.interruptionS ?? 0,
    recoveryRate: rec.recoveryRate,
    errorBudget,
    quality,
    degradedShare: totals && totals.requests ? round(totals.degraded / totals.requests) : null,
    proof: proof.proof,
    steadyState,
    load: { engine: outcome?.engine ?? (load?.engine === 'k6' ? 'k6' : 'builtin'), generator, thresholdsOk: load ? load.thresholdsOk : false, exitCode: outcome?.exitCode ?? null, thresholds: load?.thresholds ?? [] },
    abort: j.abort ? { source: j.abort.source, reason: j.abort.reason, atS: rel(j.abort.at) } : null,
    faultWindows,
    timeline: j.activities.map((a) => ({ id: a.id, name: a.name, kind: a.kind, phase: a.phase, status: a.status, startS: rel(a.start), endS: a.end ? rel(a.end) : null, ...(a.error ? { error: a.error } : {}) })),
    series,
    evidence: { journal: 'journal.json', loadSummary: j.load?.summaryFile ?? 'load/summary.json', points: j.load?.pointsFile ?? 'load/points.ndjson', report: 'report.html', junit: 'junit.xml' },
    ...(rb.onFailure ? { onFailure: rb.onFailure } : {}),
    ...(input.serviceSlis ? { serviceSlis: input.serviceSlis } : {}),
  };
}
