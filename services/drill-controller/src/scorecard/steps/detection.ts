/**
 * Step: detection. Would the team's own alerts have told on-call, and when?
 *
 * - The alert timeline: every alert Prometheus reported during the drill (journal `alerts`), with its
 *   pending, firing and resolved times relative to the first injected fault; an alert still pending
 *   at the end gets a projected firing time (pending since + its `for:`), marked as projected.
 * - Time to detect: the first alert the runbook expects (`expectedAlerts`, matched by name and
 *   severity) that fired after the fault, or the first projected one; without an alert the metric
 *   detection signal (journal `detection`) as before.
 * - Impact: availability or p99 outside the objective (the recovery windows), a fault-phase
 *   degraded share well above the baseline, or ranking quality (NDCG) below 0.9 of the baseline.
 * - Undetected impact: impact, and no expected alert fired or would fire within the bound
 *   (objective `within`, default 5 min). Alert noise: expected alerts firing in the baseline.
 */
import type { AlertObservation, AlertTimelineEntry, DetectionFindings, DrillJournal, Objective, PhaseStats, Runbook } from '@drillbook/contracts';
import { DEFAULT_DETECTION_BOUND } from '@drillbook/contracts';
import { durationMs } from '../../runbook/duration.js';
import { phaseOf } from './phases.js';
import type { RecoveryStep } from './recovery.js';
import { ms, round } from './util.js';

/** Degraded share in the fault phase this far above the baseline's is impact. */
const DEGRADED_IMPACT = 0.05;
/** Ranking quality below this share of the baseline's is impact. */
const NDCG_IMPACT = 0.9;

export interface DetectionStep {
  findings: DetectionFindings;
  timeToDetectS: number | null;
  detectedBy: string | null;
  /** Detection can be judged: alerts were watched, or the runbook has metric detection signals. */
  judged: boolean;
}

/** Whether an observed alert is one the runbook expects: same name, and the severity of the list naming it. */
export function isExpected(rb: Pick<Runbook, 'expectedAlerts'>, a: Pick<AlertObservation, 'alertname' | 'severity'>): boolean {
  const e = rb.expectedAlerts;
  if (!e) return false;
  const inList = (sev: 'page' | 'ticket') => (e[sev] ?? []).includes(a.alertname) && (a.severity === null || a.severity === sev);
  return inList('page') || inList('ticket');
}

export function describeAlert(a: Pick<AlertObservation, 'alertname' | 'severity'>): string {
  return `alert ${a.alertname}${a.severity ? ` (${a.severity})` : ''}`;
}

/** What the fault did to the SLIs, one sentence each; empty when nothing moved outside its objective. */
export function impactOf(rec: RecoveryStep, phases: readonly PhaseStats[], phaseRatio: (p: 'fault' | 'recovery') => number | null): string[] {
  const out: string[] = [];
  if (rec.rec?.impacted) out.push(`availability or p99 latency outside the objective for ${rec.rec.interruptionS} s`);
  const base = phaseOf(phases, 'baseline')?.degradedShare ?? 0;
  const fault = phaseOf(phases, 'fault')?.degradedShare ?? null;
  if (fault !== null && fault - base > DEGRADED_IMPACT) out.push(`degraded answers ${(fault * 100).toFixed(1)}% in the fault phase (baseline ${(base * 100).toFixed(1)}%)`);
  const ratios = (['fault', 'recovery'] as const).map((p) => [p, phaseRatio(p)] as const).filter(([, r]) => r !== null && r < NDCG_IMPACT);
  if (ratios.length) out.push(`ranking quality (NDCG@10) at ${ratios.map(([p, r]) => `${r!.toFixed(2)} of the baseline in the ${p} phase`).join(', ')}`);
  return out;
}

export function detectionStep(input: {
  journal: DrillJournal;
  runbook: Runbook;
  recovery: RecoveryStep;
  origin: number;
  impact: string[];
  /** Start of the fault load phase (ISO), when there was one. */
  faultPhaseStart?: string | null;
}): DetectionStep {
  const { journal: j, runbook: rb, recovery: rec, origin, impact, faultPhaseStart } = input;
  const watch = j.alerts;
  // The fault began when the fault phase started its steps (an injection is recorded once its call
  // returned, which on a loaded host can be seconds after the fault took effect), or at the first injection.
  const starts = [rec.faultStart !== null ? origin + rec.faultStart : null, faultPhaseStart ? ms(faultPhaseStart) : null].filter((x): x is number => x !== null && Number.isFinite(x));
  const faultAt = starts.length ? Math.min(...starts) : null;
  const zero = faultAt ?? ms(j.startedAt);
  const rel = (iso: string | null) => (iso === null ? null : round((ms(iso) - zero) / 1000, 2));
  const timeline: AlertTimelineEntry[] = (watch?.alerts ?? []).map((a) => {
    const pendingS = rel(a.pendingAt);
    const firingS = rel(a.firingAt);
    const resolvedS = rel(a.resolvedAt);
    // Still pending when the drill ended: it would fire once its `for:` has passed.
    const projectedFiringS = firingS === null && resolvedS === null && pendingS !== null ? round(pendingS + a.forS, 2) : null;
    return { alertname: a.alertname, severity: a.severity, expected: isExpected(rb, a), forS: a.forS, pendingS, firingS, projectedFiringS, resolvedS, firedInBaseline: a.firedInBaseline };
  });
  timeline.sort((a, b) => (a.pendingS ?? a.firingS ?? Infinity) - (b.pendingS ?? b.firingS ?? Infinity) || a.alertname.localeCompare(b.alertname));

  // The first expected alert that fired after the fault, else the first projected one; one already
  // firing in the baseline says nothing about the fault.
  let fired: { at: number; entry: AlertTimelineEntry } | null = null;
  let pending: { at: number; entry: AlertTimelineEntry } | null = null;
  if (faultAt !== null) {
    for (const e of timeline) {
      if (!e.expected || e.firedInBaseline) continue;
      if (e.firingS !== null && e.firingS >= 0 && (!fired || e.firingS < fired.at)) fired = { at: e.firingS, entry: e };
      // A projection counts only for an alert that went pending after the fault: one pending since the baseline was not raised by it.
      if (e.projectedFiringS !== null && e.pendingS !== null && e.pendingS >= 0 && (!pending || e.projectedFiringS < pending.at)) pending = { at: e.projectedFiringS, entry: e };
    }
  }
  // A metric detection signal (journal `detection`) counts as measured too; the earliest measured one wins.
  // (measured from the first injection, as before alerts were watched: a runbook's time_to_detect_s bound keeps its meaning)
  const metricS = rec.timeToDetectS;
  let timeToDetectS: number | null = null;
  let detectedBy: string | null = null;
  let projected = false;
  if (fired && (metricS === null || fired.at <= metricS)) {
    timeToDetectS = fired.at;
    detectedBy = `${describeAlert(fired.entry)} firing`;
  } else if (metricS !== null) {
    timeToDetectS = metricS;
    detectedBy = j.detection?.signal ?? null;
  } else if (pending) {
    timeToDetectS = pending.at;
    projected = true;
    detectedBy = `${describeAlert(pending.entry)} pending since ${signed(pending.entry.pendingS!)} s, projected to fire at ${signed(pending.at)} s`;
  }
  const judged = !!watch?.prometheus || !!rb.detection?.length;
  const noise = [...new Set(timeline.filter((e) => e.expected && e.firedInBaseline).map((e) => describeAlert(e)))];
  const boundS = durationMs(rb.objectives.find((o) => o.sli === 'undetected_impact')?.within ?? DEFAULT_DETECTION_BOUND) / 1000;
  const findings: DetectionFindings = {
    source: watch?.prometheus ? 'prometheus' : 'none',
    prometheus: watch?.prometheus ?? null,
    note: watch?.note ?? (watch ? null : 'no alert watch in this drill (metric detection only)'),
    projected,
    faultAtS: faultAt !== null ? round((faultAt - origin) / 1000, 3) : null,
    timeline,
    impact,
    boundS,
    undetectedImpact: undetected(impact, timeToDetectS, boundS, judged),
    noise,
  };
  return { findings, timeToDetectS, detectedBy, judged };
}

const signed = (v: number) => `${v >= 0 ? '+' : ''}${v}`;

function undetected(impact: string[], ttdS: number | null, boundS: number, judged: boolean): boolean | null {
  if (!impact.length) return false;
  if (ttdS !== null && ttdS <= boundS) return false;
  return judged ? true : null;
}

/** `undetected_impact` of one objective (1 = impact nobody was told about within its bound); null when it cannot be judged. */
export function undetectedImpactFor(o: Pick<Objective, 'within'>, d: DetectionStep): number | null {
  const boundS = durationMs(o.within ?? DEFAULT_DETECTION_BOUND) / 1000;
  const f = d.findings;
  const v = undetected(f.impact, d.timeToDetectS, boundS, d.judged);
  return v === null ? null : v ? 1 : 0;
}

/** `alert_noise`: expected alerts that fired in the baseline; null without Prometheus. */
export function alertNoise(d: DetectionStep): number | null {
  return d.findings.source === 'prometheus' ? d.findings.noise.length : null;
}
