import type { DataFrame } from '@grafana/data';
import { METRIC } from '@drillbook/contracts';
import { framesEmpty } from './fieldAccess';
import type { ObjectiveRow, ReadResult, ScorecardModel } from './model';
import { readSamples, type Sample } from './promSamples';
import { toStatus } from './readScorecardFrames';

export const DRILL_METRICS = [
  METRIC.drillScore,
  METRIC.drillStatus,
  METRIC.drillTimeToDetect,
  METRIC.drillTimeToRecover,
  METRIC.drillBudgetConsumed,
] as const;

/**
 * Further series the drill controller exports next to the contract's five
 * (services/drill-controller/src/server/metrics.ts). Not in the contract's METRIC yet, so they are
 * optional here: the panel reads them when present and never requires them.
 */
export const CONTROLLER_EXTRA_METRICS = {
  inProgress: METRIC.drillInProgress,
  ndcgRatio: 'drillbook_drill_ndcg_ratio',
  durationS: 'drillbook_drill_duration_seconds',
  endTimestamp: 'drillbook_drill_end_timestamp_seconds',
  objectiveCredit: 'drillbook_drill_objective_credit_ratio',
} as const;

export interface DrillMetricsFilter {
  service?: string;
  runbook?: string;
}

/**
 * Reads the drill controller's Prometheus metrics (`drillbook_drill_score` and friends, labels
 * `service` and `runbook`) into a scorecard. `drillbook_drill_status` is read the
 * kube-state-metrics way: one series per `status` label, value 1 for the current status.
 * Prometheus carries no per-objective results, so `objectives` is null.
 */
export function readDrillMetrics(frames: DataFrame[] | undefined, filter: DrillMetricsFilter = {}): ReadResult<ScorecardModel> {
  if (framesEmpty(frames)) {
    return { ok: false, reason: 'no-data', message: 'No data' };
  }
  const known = new Set<string>([...DRILL_METRICS, ...Object.values(CONTROLLER_EXTRA_METRICS)]);
  const samples = readSamples(frames).filter(
    (s) =>
      s.metric !== null &&
      known.has(s.metric) &&
      (!filter.service || s.labels.service === filter.service) &&
      (!filter.runbook || s.labels.runbook === filter.runbook)
  );
  if (samples.length === 0) {
    return {
      ok: false,
      reason: 'unrecognised',
      message: `No Drillbook scorecard frames and no ${METRIC.drillScore} series in the data`,
    };
  }
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = `${s.labels.service ?? ''}\u0000${s.labels.runbook ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  // The drill that ended last: the group whose score sample is newest.
  const ordered = [...groups.values()].sort((a, b) => newest(b) - newest(a));
  const group = ordered[0];
  const by = (metric: string) => group.filter((s) => s.metric === metric);
  const value = (metric: string) => by(metric).find((s) => s.value !== null)?.value ?? null;

  const score = by(METRIC.drillScore);
  if (score.length === 0) {
    return { ok: false, reason: 'missing-field', message: `The data has no ${METRIC.drillScore} series for this drill` };
  }
  const missing = DRILL_METRICS.filter((m) => by(m).length === 0);
  const statusSeries = by(METRIC.drillStatus).find((s) => s.value === 1 && s.labels.status);
  const running = value(CONTROLLER_EXTRA_METRICS.inProgress) === 1;
  const endedS = value(CONTROLLER_EXTRA_METRICS.endTimestamp);
  const durationS = value(CONTROLLER_EXTRA_METRICS.durationS);
  const credits = by(CONTROLLER_EXTRA_METRICS.objectiveCredit).filter((s) => s.labels.objective);
  const objectives: ObjectiveRow[] | null =
    credits.length === 0
      ? null
      : credits
          .map((s) => ({
            name: s.labels.objective,
            sli: '',
            phase: '',
            op: '',
            target: null,
            measured: null,
            unit: '',
            verdict: s.value === null ? ('unknown' as const) : s.value >= 1 ? ('met' as const) : ('missed' as const),
            weight: null,
            credit: s.value,
            contribution: null,
            maxContribution: null,
            explanation: 'credit from drillbook_drill_objective_credit_ratio; targets and measured values are in the controller scorecard',
          }))
          .sort((a, b) => a.name.localeCompare(b.name));
  const notes: string[] = [];
  if (ordered.length > 1) {
    notes.push(
      `The query returned ${ordered.length} service/runbook pairs; showing the most recent. Filter the query (or the panel options) by service and runbook.`
    );
  }
  const first = group[0];
  return {
    ok: true,
    value: {
      source: 'prometheus',
      drillId: first.labels.drill ?? first.labels.drill_id ?? null,
      runbook: first.labels.runbook ?? null,
      runbookTitle: null,
      service: first.labels.service ?? null,
      status: running ? 'running' : statusSeries ? toStatus(statusSeries.labels.status) : 'unknown',
      statusReason: null,
      score: value(METRIC.drillScore),
      startedAt: endedS !== null && durationS !== null ? (endedS - durationS) * 1000 : null,
      durationS,
      timeToDetectS: value(METRIC.drillTimeToDetect),
      detectedBy: null,
      timeToRecoverS: value(METRIC.drillTimeToRecover),
      errorBudgetConsumed: value(METRIC.drillBudgetConsumed),
      errorBudgetSlo: null,
      burnRate: null,
      ndcgRatio: value(CONTROLLER_EXTRA_METRICS.ndcgRatio),
      baselineNdcg10: null,
      drillNdcg10: null,
      degradedShare: null,
      proofValid: null,
      abortReason: null,
      objectives,
      reportHref: null,
      missing,
      notes,
    },
  };
}

function newest(group: Sample[]): number {
  const ended = group.find((s) => s.metric === CONTROLLER_EXTRA_METRICS.endTimestamp && s.value !== null);
  return ended ? ended.value! * 1000 : Math.max(...group.map((s) => s.time ?? 0));
}
