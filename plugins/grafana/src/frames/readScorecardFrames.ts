import type { DataFrame } from '@grafana/data';
import { DRILL_STATUSES, type Verdict } from '@drillbook/contracts';
import { booleanAt, findField, framesEmpty, numberAt, stringAt, timeAt } from './fieldAccess';
import type { AlertRow, ObjectiveRow, ReadResult, ScorecardModel, ScorecardStatus } from './model';
import { ALERTS_FRAME, OBJECTIVES_FRAME, SCORECARD_FRAME } from './scorecardToFrames';

function kindOf(frame: DataFrame): string | null {
  const custom = frame.meta?.custom as { drillbookFrame?: unknown } | undefined;
  if (typeof custom?.drillbookFrame === 'string') {
    return custom.drillbookFrame;
  }
  if (frame.name === SCORECARD_FRAME) {
    return 'scorecard';
  }
  if (frame.name === OBJECTIVES_FRAME) {
    return 'objectives';
  }
  if (frame.name === ALERTS_FRAME) {
    return 'alerts';
  }
  return null;
}

/** The alert timeline rows, or null when the data carries no alerts frame. */
function readAlerts(frames: DataFrame[]): AlertRow[] | null {
  const frame = frames.find((f) => kindOf(f) === 'alerts');
  if (!frame || !findField(frame, 'alertname')) {
    return null;
  }
  const of = (name: string) => findField(frame, name);
  const rows: AlertRow[] = [];
  for (let i = 0; i < frame.length; i++) {
    rows.push({
      alertname: stringAt(of('alertname'), i) ?? '',
      severity: stringAt(of('severity'), i),
      expected: booleanAt(of('expected'), i) === true,
      forS: numberAt(of('forS'), i),
      pendingS: numberAt(of('pendingS'), i),
      firingS: numberAt(of('firingS'), i),
      projectedFiringS: numberAt(of('projectedFiringS'), i),
      resolvedS: numberAt(of('resolvedS'), i),
      firedInBaseline: booleanAt(of('firedInBaseline'), i) === true,
    });
  }
  return rows;
}

export function hasScorecardFrame(frames: DataFrame[]): boolean {
  return frames.some((f) => kindOf(f) === 'scorecard');
}

/** Summary fields the panel shows; `status` and `score` are required, the rest render as "not in data". */
const REQUIRED = ['status', 'score'] as const;
const OPTIONAL = [
  'drillId',
  'runbook',
  'service',
  'timeToDetectS',
  'timeToRecoverS',
  'errorBudgetConsumed',
  'ndcgRatio',
] as const;
const OBJECTIVE_REQUIRED = ['name', 'target', 'measured', 'verdict', 'contribution'] as const;

const VERDICTS: readonly string[] = ['met', 'missed', 'no-data'];

export function toStatus(v: string | null): ScorecardStatus {
  if (v && ((DRILL_STATUSES as readonly string[]).includes(v) || v === 'running')) {
    return v as ScorecardStatus;
  }
  return 'unknown';
}

/**
 * Reads the frames written by `scorecardToFrames` (from the Drillbook data source, or built by the
 * app pages). The newest drill is the last row when a frame holds several.
 */
export function readScorecardFrames(frames: DataFrame[] | undefined): ReadResult<ScorecardModel> {
  if (framesEmpty(frames)) {
    return { ok: false, reason: 'no-data', message: 'No data' };
  }
  const summary = frames!.find((f) => kindOf(f) === 'scorecard' && f.length > 0);
  if (!summary) {
    return { ok: false, reason: 'unrecognised', message: `No frame named "${SCORECARD_FRAME}" in the data` };
  }
  for (const name of REQUIRED) {
    if (!findField(summary, name)) {
      return {
        ok: false,
        reason: 'missing-field',
        message: `Frame "${summary.name ?? SCORECARD_FRAME}" has no field "${name}"`,
      };
    }
  }
  const row = summary.length - 1;
  const f = (name: string) => findField(summary, name);
  const missing: string[] = OPTIONAL.filter((name) => !f(name));
  const notes: string[] = [];
  if (summary.length > 1) {
    notes.push(`The data holds ${summary.length} scorecards; showing the last one.`);
  }

  let objectives: ObjectiveRow[] | null = null;
  const objFrame = frames!.find((fr) => kindOf(fr) === 'objectives');
  if (objFrame) {
    const lacking = OBJECTIVE_REQUIRED.filter((name) => !findField(objFrame, name));
    if (lacking.length > 0) {
      missing.push(...lacking.map((n) => `${OBJECTIVES_FRAME}.${n}`));
    }
    objectives = [];
    const of = (name: string) => findField(objFrame, name);
    for (let i = 0; i < objFrame.length; i++) {
      const verdict = stringAt(of('verdict'), i);
      objectives.push({
        name: stringAt(of('name'), i) ?? `objective ${i + 1}`,
        sli: stringAt(of('sli'), i) ?? '',
        phase: stringAt(of('phase'), i) ?? '',
        op: stringAt(of('op'), i) ?? '',
        target: numberAt(of('target'), i),
        measured: numberAt(of('measured'), i),
        unit: stringAt(of('unit'), i) ?? '',
        verdict: verdict && VERDICTS.includes(verdict) ? (verdict as Verdict) : 'unknown',
        weight: numberAt(of('weight'), i),
        credit: numberAt(of('credit'), i),
        contribution: numberAt(of('contribution'), i),
        maxContribution: numberAt(of('maxContribution'), i),
        explanation: stringAt(of('explanation'), i) ?? '',
      });
    }
  } else {
    missing.push(OBJECTIVES_FRAME);
  }

  const model: ScorecardModel = {
    source: 'controller',
    drillId: stringAt(f('drillId'), row),
    runbook: stringAt(f('runbook'), row),
    runbookTitle: stringAt(f('runbookTitle'), row),
    service: stringAt(f('service'), row),
    status: toStatus(stringAt(f('status'), row)),
    statusReason: stringAt(f('statusReason'), row),
    score: numberAt(f('score'), row),
    startedAt: timeAt(f('startedAt'), row),
    durationS: numberAt(f('durationS'), row),
    timeToDetectS: numberAt(f('timeToDetectS'), row),
    detectedBy: stringAt(f('detectedBy'), row),
    timeToRecoverS: numberAt(f('timeToRecoverS'), row),
    errorBudgetConsumed: numberAt(f('errorBudgetConsumed'), row),
    errorBudgetSlo: stringAt(f('errorBudgetSlo'), row),
    burnRate: numberAt(f('burnRate'), row),
    ndcgRatio: numberAt(f('ndcgRatio'), row),
    baselineNdcg10: numberAt(f('baselineNdcg10'), row),
    drillNdcg10: numberAt(f('drillNdcg10'), row),
    degradedShare: numberAt(f('degradedShare'), row),
    proofValid: booleanAt(f('proofValid'), row),
    abortReason: stringAt(f('abortReason'), row),
    objectives,
    reportHref: stringAt(f('reportUrl'), row),
    alerts: readAlerts(frames!),
    missing,
    notes,
  };
  return { ok: true, value: model };
}
