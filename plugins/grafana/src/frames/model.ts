import type { DrillStatus, Verdict } from '@drillbook/contracts';

/** One scored objective as the scorecard panel shows it. */
export interface ObjectiveRow {
  name: string;
  sli: string;
  phase: string;
  op: string;
  target: number | null;
  measured: number | null;
  unit: string;
  verdict: Verdict | 'unknown';
  weight: number | null;
  credit: number | null;
  contribution: number | null;
  maxContribution: number | null;
  explanation: string;
}

export type ScorecardStatus = DrillStatus | 'running' | 'unknown';

/** What the scorecard panel renders, whichever frames it came from. */
/** One alert of a drill's detection timeline; seconds relative to the fault (negative = before it). */
export interface AlertRow {
  alertname: string;
  severity: string | null;
  /** Named in the runbook's expected alerts. */
  expected: boolean;
  forS: number | null;
  pendingS: number | null;
  firingS: number | null;
  /** Still pending at the end: when it would fire (pending since + for). */
  projectedFiringS: number | null;
  resolvedS: number | null;
  firedInBaseline: boolean;
}

export interface ScorecardModel {
  source: 'controller' | 'prometheus';
  drillId: string | null;
  runbook: string | null;
  runbookTitle: string | null;
  service: string | null;
  status: ScorecardStatus;
  statusReason: string | null;
  score: number | null;
  /** Epoch ms. */
  startedAt: number | null;
  durationS: number | null;
  timeToDetectS: number | null;
  detectedBy: string | null;
  timeToRecoverS: number | null;
  errorBudgetConsumed: number | null;
  errorBudgetSlo: string | null;
  burnRate: number | null;
  ndcgRatio: number | null;
  baselineNdcg10: number | null;
  drillNdcg10: number | null;
  degradedShare: number | null;
  proofValid: boolean | null;
  abortReason: string | null;
  /** null when the source carries no objectives (Prometheus metrics). */
  objectives: ObjectiveRow[] | null;
  reportHref: string | null;
  /** The alert timeline (controller scorecards with detection); absent or null when the data has none. */
  alerts?: AlertRow[] | null;
  /** Fields the panel would show that the data lacks (named as in the data). */
  missing: string[];
  notes: string[];
}

export type ReadResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'no-data' | 'missing-field' | 'unrecognised'; message: string };
