import { FieldType, createDataFrame, type DataFrame, type FieldConfig } from '@grafana/data';
import type { DrillSummary, Scorecard, ScorecardResponse } from '@drillbook/contracts';

export const SCORECARD_FRAME = 'drillbook-scorecard';
export const OBJECTIVES_FRAME = 'drillbook-objectives';
export const PHASES_FRAME = 'drillbook-phases';
export const ALERTS_FRAME = 'drillbook-alerts';

type Kind = 'scorecard' | 'objectives' | 'phases' | 'alerts';

interface Col {
  name: string;
  type: FieldType;
  values: unknown[];
  config?: FieldConfig;
}

const seconds: FieldConfig = { unit: 's', decimals: 1 };
const percent: FieldConfig = { unit: 'percentunit', decimals: 2 };

function frame(name: string, kind: Kind, refId: string, cols: Col[]): DataFrame {
  return createDataFrame({
    name,
    refId,
    meta: { custom: { drillbookFrame: kind } },
    fields: cols.map((c) => ({ name: c.name, type: c.type, values: c.values, config: c.config ?? {} })),
  });
}

export interface ScorecardToFramesOptions {
  /** Link to the HTML report (through the plugin proxy); stored in the `reportUrl` field. */
  reportHref?: string | null;
  refId?: string;
}

/**
 * A scorecard as Grafana data frames: one summary row, one row per objective, one row per load phase,
 * and (when the scorecard has detection) one row per alert of its timeline.
 * The scorecard panel reads these back with `readScorecardFrames`; the app pages render a finished
 * drill through the same path, so the panel and the pages never disagree.
 */
export function scorecardToFrames(input: Scorecard | ScorecardResponse, options: ScorecardToFramesOptions = {}): DataFrame[] {
  const { scorecard, drill } = 'scorecard' in input ? input : { scorecard: input, drill: null as DrillSummary | null };
  const refId = options.refId ?? 'A';
  const s = scorecard;
  const one = <T>(v: T) => [v];
  const summary = frame(SCORECARD_FRAME, 'scorecard', refId, [
    { name: 'startedAt', type: FieldType.time, values: one(Date.parse(s.startedAt)) },
    { name: 'drillId', type: FieldType.string, values: one(s.drillId) },
    { name: 'runbook', type: FieldType.string, values: one(s.runbook.name) },
    { name: 'runbookTitle', type: FieldType.string, values: one(s.runbook.title) },
    { name: 'service', type: FieldType.string, values: one(s.service) },
    { name: 'modelVersion', type: FieldType.string, values: one(s.modelVersion) },
    { name: 'status', type: FieldType.string, values: one(s.status) },
    { name: 'statusReason', type: FieldType.string, values: one(s.statusReason) },
    { name: 'score', type: FieldType.number, values: one(s.score), config: { min: 0, max: 100, decimals: 1 } },
    { name: 'durationS', type: FieldType.number, values: one(s.durationS), config: seconds },
    { name: 'timeToDetectS', type: FieldType.number, values: one(s.timeToDetectS), config: seconds },
    { name: 'detectedBy', type: FieldType.string, values: one(s.detectedBy) },
    { name: 'timeToRecoverS', type: FieldType.number, values: one(s.timeToRecoverS), config: seconds },
    { name: 'interruptionS', type: FieldType.number, values: one(s.interruptionS), config: seconds },
    { name: 'errorBudgetSlo', type: FieldType.string, values: one(s.errorBudget.slo) },
    { name: 'errorBudgetConsumed', type: FieldType.number, values: one(s.errorBudget.consumed), config: percent },
    { name: 'burnRate', type: FieldType.number, values: one(s.errorBudget.burnRate), config: { decimals: 2 } },
    { name: 'budgetRemainingAtStart', type: FieldType.number, values: one(s.errorBudget.remainingAtStart), config: percent },
    { name: 'baselineNdcg10', type: FieldType.number, values: one(s.quality.baselineNdcg10), config: { decimals: 3 } },
    { name: 'drillNdcg10', type: FieldType.number, values: one(s.quality.drillNdcg10), config: { decimals: 3 } },
    { name: 'ndcgRatio', type: FieldType.number, values: one(s.quality.ndcgRatio), config: percent },
    { name: 'degradedShare', type: FieldType.number, values: one(s.degradedShare), config: percent },
    { name: 'proofValid', type: FieldType.boolean, values: one(s.proof.valid) },
    { name: 'abortReason', type: FieldType.string, values: one(s.abort ? `${s.abort.source}: ${s.abort.reason}` : null) },
    { name: 'reportUrl', type: FieldType.string, values: one(options.reportHref ?? drill?.reportUrl ?? null) },
  ]);
  const o = s.objectives;
  const objectives = frame(OBJECTIVES_FRAME, 'objectives', refId, [
    { name: 'name', type: FieldType.string, values: o.map((x) => x.name) },
    { name: 'sli', type: FieldType.string, values: o.map((x) => x.sli) },
    { name: 'phase', type: FieldType.string, values: o.map((x) => x.phase) },
    { name: 'op', type: FieldType.string, values: o.map((x) => x.op) },
    { name: 'target', type: FieldType.number, values: o.map((x) => x.target) },
    { name: 'measured', type: FieldType.number, values: o.map((x) => x.measured) },
    { name: 'unit', type: FieldType.string, values: o.map((x) => x.unit) },
    { name: 'verdict', type: FieldType.string, values: o.map((x) => x.verdict) },
    { name: 'weight', type: FieldType.number, values: o.map((x) => x.weight) },
    { name: 'credit', type: FieldType.number, values: o.map((x) => x.credit), config: percent },
    { name: 'contribution', type: FieldType.number, values: o.map((x) => x.contribution), config: { decimals: 1 } },
    { name: 'maxContribution', type: FieldType.number, values: o.map((x) => x.maxContribution), config: { decimals: 1 } },
    { name: 'explanation', type: FieldType.string, values: o.map((x) => x.explanation) },
  ]);
  const p = s.phases;
  const phases = frame(PHASES_FRAME, 'phases', refId, [
    { name: 'phase', type: FieldType.string, values: p.map((x) => x.phase) },
    { name: 'requests', type: FieldType.number, values: p.map((x) => x.requests) },
    { name: 'errorRate', type: FieldType.number, values: p.map((x) => x.errorRate), config: percent },
    { name: 'degradedShare', type: FieldType.number, values: p.map((x) => x.degradedShare), config: percent },
    { name: 'throughputRps', type: FieldType.number, values: p.map((x) => x.throughputRps), config: { unit: 'reqps' } },
    { name: 'p50Ms', type: FieldType.number, values: p.map((x) => x.latencyMs.p50), config: { unit: 'ms' } },
    { name: 'p95Ms', type: FieldType.number, values: p.map((x) => x.latencyMs.p95), config: { unit: 'ms' } },
    { name: 'p99Ms', type: FieldType.number, values: p.map((x) => x.latencyMs.p99), config: { unit: 'ms' } },
    { name: 'ndcg10', type: FieldType.number, values: p.map((x) => x.ndcg10), config: { decimals: 3 } },
  ]);
  // The detection timeline: what Prometheus said about every alert during the drill, relative to the fault.
  const a = s.detection?.timeline;
  if (!a) {
    return [summary, objectives, phases];
  }
  const alerts = frame(ALERTS_FRAME, 'alerts', refId, [
    { name: 'alertname', type: FieldType.string, values: a.map((x) => x.alertname) },
    { name: 'severity', type: FieldType.string, values: a.map((x) => x.severity) },
    { name: 'expected', type: FieldType.boolean, values: a.map((x) => x.expected) },
    { name: 'forS', type: FieldType.number, values: a.map((x) => x.forS), config: seconds },
    { name: 'pendingS', type: FieldType.number, values: a.map((x) => x.pendingS), config: seconds },
    { name: 'firingS', type: FieldType.number, values: a.map((x) => x.firingS), config: seconds },
    { name: 'projectedFiringS', type: FieldType.number, values: a.map((x) => x.projectedFiringS), config: seconds },
    { name: 'resolvedS', type: FieldType.number, values: a.map((x) => x.resolvedS), config: seconds },
    { name: 'firedInBaseline', type: FieldType.boolean, values: a.map((x) => x.firedInBaseline) },
  ]);
  return [summary, objectives, phases, alerts];
}
