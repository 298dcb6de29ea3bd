/**
 * Step: objectives. Each objective gets its measured value, a verdict and its weighted contribution;
 * a missed target earns partial credit by how far it was missed (explained in one sentence).
 *
 * Latency objectives carry a 95% confidence interval of their percentile. A point estimate on the
 * right side of the target is `met`; one on the wrong side is `missed` only when the whole interval
 * is on the wrong side too, and `inconclusive` otherwise, with about how many requests would decide
 * it. An inconclusive objective is scored on its point estimate (partial credit, as if missed); the
 * drill's status says `inconclusive` rather than `failed`.
 */
import type { LoadPhaseName, Objective, ObjectiveResult, PhaseStats, Runbook, Scorecard, ServiceSli } from '@drillbook/contracts';
import { serviceSliFigure } from '../serviceSlis.js';
import type { LoadResult } from '../../load/index.js';
import { percentileInterval, samplesToDecide } from './confidence.js';
import { phaseOf } from './phases.js';
import { alertNoise, undetectedImpactFor, type DetectionStep } from './detection.js';
import type { RecoveryStep } from './recovery.js';
import { round } from './util.js';

type Unit = ObjectiveResult['unit'];
export const UNIT: Record<Objective['sli'], Unit> = {
  availability: 'ratio',
  error_rate: 'ratio',
  failed_requests: 'count',
  latency_p50_ms: 'ms',
  latency_p95_ms: 'ms',
  latency_p99_ms: 'ms',
  degraded_share: 'ratio',
  ndcg_ratio: 'ratio',
  time_to_recover_s: 's',
  time_to_detect_s: 's',
  interruption_s: 's',
  recovery_rate: 'ratio',
  error_budget_consumed: 'ratio',
  throughput_ratio: 'ratio',
  probe: 'count',
  undetected_impact: 'count',
  alert_noise: 'count',
  promql: 'ratio',
};
/** Ratio SLIs where higher is better and the shortfall is measured against 1. */
const GOOD_RATIOS = new Set(['availability', 'recovery_rate']);

/** Partial credit for a missed target, with the sentence that explains it. */
export function credit(o: Pick<Objective, 'sli' | 'op' | 'target'>, m: number): { credit: number; explanation: string } {
  // A comparison with NaN is false either way and ±Infinity makes every target trivial: never credit a
  // non-finite figure (the validator refuses them in runbooks; this guards every other path).
  if (!Number.isFinite(m) || !Number.isFinite(o.target)) return { credit: 0, explanation: `not comparable: ${!Number.isFinite(o.target) ? `the target ${o.target}` : `the measurement ${m}`} is not a finite number, so no credit` };
  const met = o.op === '<=' ? m <= o.target : m >= o.target;
  if (met) return { credit: 1, explanation: `met: ${fmt(m, o.sli)} ${o.op} ${fmt(o.target, o.sli)}` };
  const clamp = (x: number) => Math.max(0, Math.min(1, x));
  if (o.op === '>=') {
    if (GOOD_RATIOS.has(o.sli) && o.target < 1 && m < 1) {
      const c = clamp((1 - o.target) / (1 - m));
      return { credit: c, explanation: `missed: shortfall ${fmt(1 - m, o.sli)} is ${(1 / Math.max(c, 1e-9)).toFixed(1)}x the allowed ${fmt(1 - o.target, o.sli)}; credit = allowed / shortfall` };
    }
    const c = o.target > 0 ? clamp(m / o.target) : 0;
    return { credit: c, explanation: `missed: ${fmt(m, o.sli)} is ${(c * 100).toFixed(0)}% of the target ${fmt(o.target, o.sli)}; credit = measured / target` };
  }
  if (o.target > 0) {
    const c = clamp(o.target / m);
    return { credit: c, explanation: `missed: ${fmt(m, o.sli)} is ${(m / o.target).toFixed(1)}x the target ${fmt(o.target, o.sli)}; credit = target / measured` };
  }
  const scale = UNIT[o.sli] === 'ratio' ? 100 : 1;
  const c = clamp(1 / (1 + scale * m));
  return { credit: c, explanation: `missed: ${fmt(m, o.sli)} against a target of ${fmt(o.target, o.sli)}; credit = 1 / (1 + ${scale === 100 ? '100 x ' : ''}measured)` };
}

export function fmt(v: number, sli: Objective['sli']): string {
  switch (UNIT[sli]) {
    case 'ms':
      return `${+v.toFixed(1)} ms`;
    case 's':
      return `${+v.toFixed(2)} s`;
    case 'count':
      return String(+v.toFixed(2));
    default:
      return sli === 'ndcg_ratio' || sli === 'throughput_ratio' ? v.toFixed(3) : `${+(v * 100).toFixed(3)}%`;
  }
}


export const LATENCY_QUANTILE: Partial<Record<Objective['sli'], number>> = { latency_p50_ms: 0.5, latency_p95_ms: 0.95, latency_p99_ms: 0.99 };

export interface MeasureContext {
  phases: readonly PhaseStats[];
  load: LoadResult | null;
  recovery: RecoveryStep;
  phaseRatio: (p: LoadPhaseName) => number | null;
  quality: Scorecard['quality'];
  errorBudgetConsumed: number | null;
  probes: (name: string) => number | null;
  /** Alert timeline and findings (undetected impact, alert noise). */
  detection?: DetectionStep;
  /** The service's own PromQL SLIs, evaluated over the phases (`sli: promql` objectives). */
  serviceSlis?: readonly ServiceSli[];
}

/** The request-level SLIs a phase (or the whole drill) measured; null when it has no data. */
function scopeOf(ctx: MeasureContext, phase: Objective['phase']): Pick<PhaseStats, 'requests' | 'errors' | 'errorRate' | 'degradedShare' | 'latencyMs'> | null {
  if (phase && phase !== 'drill') return phaseOf(ctx.phases, phase) ?? null;
  const t = ctx.load?.totals;
  return t ? { requests: t.requests, errors: t.errors, errorRate: t.errorRate, degradedShare: t.requests ? t.degraded / t.requests : null, latencyMs: t.latencyMs } : null;
}

/** The SLI an objective names, measured over its phase (or the drill); null when not measured. */
export function measure(o: Pick<Objective, 'sli' | 'phase' | 'probe' | 'within' | 'promql'>, ctx: MeasureContext): number | null {
  const ph = o.phase && o.phase !== 'drill' ? phaseOf(ctx.phases, o.phase) : null;
  const scope = scopeOf(ctx, o.phase);
  const r = ctx.recovery;
  switch (o.sli) {
    case 'availability':
      return scope?.errorRate == null ? null : round(1 - scope.errorRate, 6);
    case 'error_rate':
      return scope?.errorRate ?? null;
    case 'failed_requests':
      return scope ? scope.errors : null;
    case 'latency_p50_ms':
      return scope?.latencyMs.p50 ?? null;
    case 'latency_p95_ms':
      return scope?.latencyMs.p95 ?? null;
    case 'latency_p99_ms':
      return scope?.latencyMs.p99 ?? null;
    case 'degraded_share':
      return scope?.degradedShare ?? null;
    case 'ndcg_ratio':
      if (!ctx.quality.baselineNdcg10) return null;
      return ph ? ctx.phaseRatio(ph.phase) : ctx.quality.ndcgRatio;
    case 'time_to_recover_s':
      return r.rec?.ttrS ?? null;
    case 'time_to_detect_s':
      return ctx.detection ? ctx.detection.timeToDetectS : r.timeToDetectS;
    case 'interruption_s':
      return r.rec?.interruptionS ?? null;
    case 'recovery_rate':
      return r.recoveryRate;
    case 'error_budget_consumed':
      return ctx.errorBudgetConsumed;
    case 'throughput_ratio': {
      if (ph) return ph.throughputRps && ph.plannedRps ? round(ph.throughputRps / ph.plannedRps, 4) : null;
      const planned = ctx.phases.reduce((a, p) => a + (p.plannedRps ?? 0) * Math.max(0, p.endS - p.startS), 0);
      const totals = ctx.load?.totals;
      return planned && totals ? round(totals.requests / planned, 4) : null;
    }
    case 'probe':
      return o.probe ? ctx.probes(o.probe) : null;
    case 'undetected_impact':
      return ctx.detection ? undetectedImpactFor(o, ctx.detection) : null;
    case 'alert_noise':
      return ctx.detection ? alertNoise(ctx.detection) : null;
    case 'promql':
      return o.promql ? (serviceSliFigure(ctx.serviceSlis, o.promql, o.phase ?? 'drill')?.value ?? null) : null;
  }
}

/** Sorted latencies of a phase (or of the whole drill). */
export function latenciesOf(load: LoadResult | null, phase: Objective['phase']): Float64Array {
  const samples = load?.samples ?? [];
  const mine = phase && phase !== 'drill' ? samples.filter((s) => s.phase === phase) : samples;
  return Float64Array.from(mine, (s) => s.ms).sort();
}

export interface Judgement {
  measured: number | null;
  verdict: ObjectiveResult['verdict'];
  credit: number;
  explanation: string;
  interval?: [number, number];
  requestsToDecide?: number | null;
}

/** Measures one objective over its phase and judges it (with the latency interval where it applies). */
export function judge(o: Objective, ctx: MeasureContext): Judgement {
  const measured = measure(o, ctx);
  if (o.sli === 'promql' && (measured === null || !Number.isFinite(measured))) {
    const f = o.promql ? serviceSliFigure(ctx.serviceSlis, o.promql, o.phase ?? 'drill') : null;
    const why = f ? (f.note ?? 'Prometheus returned no sample') : `the service has no PromQL SLI "${o.promql}" configured`;
    return { measured: null, verdict: 'no-data', credit: 0, explanation: `no data from the service's metrics: ${why}; not scored (the load-measured objectives still are)` };
  }
  if (measured === null || !Number.isFinite(measured)) return { measured: null, verdict: 'no-data', credit: 0, explanation: 'no data: the drill did not produce this measurement, so no credit' };
  const c = credit(o, measured);
  const q = LATENCY_QUANTILE[o.sli];
  if (q === undefined) return { measured, verdict: c.credit === 1 ? 'met' : 'missed', credit: c.credit, explanation: c.explanation };
  const sorted = latenciesOf(ctx.load, o.phase);
  if (sorted.length === 0) return { measured, verdict: c.credit === 1 ? 'met' : 'missed', credit: c.credit, explanation: c.explanation };
  const iv = percentileInterval(sorted, q);
  const interval: [number, number] = [round(iv.low, 2), round(iv.high, 2)];
  if (c.credit === 1 || !Number.isFinite(o.target)) return { measured, verdict: c.credit === 1 ? 'met' : 'missed', credit: c.credit, explanation: c.explanation, interval };
  const decided = o.op === '<=' ? iv.low > o.target : iv.high < o.target;
  if (decided) return { measured, verdict: 'missed', credit: c.credit, explanation: `${c.explanation}; the 95% interval ${fmt(interval[0], o.sli)}-${fmt(interval[1], o.sli)} from ${sorted.length} requests lies beyond the target`, interval };
  const need = samplesToDecide(sorted, q, o.target);
  return {
    measured,
    verdict: 'inconclusive',
    credit: c.credit,
    explanation: `inconclusive: ${fmt(measured, o.sli)} ${o.op === '<=' ? '>' : '<'} ${fmt(o.target, o.sli)}, but the 95% interval ${fmt(interval[0], o.sli)}-${fmt(interval[1], o.sli)} from ${sorted.length} requests includes the target (${need === null ? 'no number of requests would decide it' : `about ${need} requests would decide it`}); scored on the point estimate`,
    interval,
    requestsToDecide: need,
  };
}

/** Every objective of the runbook, judged and weighted; and the 0-100 score. */
/**
 * Every objective of the runbook, judged and weighted; and the 0-100 score.
 *
 * An objective on a service's PromQL SLI that got no figure (no Prometheus, no sample) is `no-data`
 * and left out of the score's weights: the drill is scored on what was measured, as without the
 * objective, and its status says the objective could not be decided (`inconclusive`, never `failed`).
 */
export function objectivesStep(rb: Runbook, ctx: MeasureContext): { objectives: ObjectiveResult[]; score: number } {
  const judged = rb.objectives.map((o) => ({ o, j: judge(o, ctx) }));
  const unscored = (o: Objective, j: Judgement) => o.sli === 'promql' && j.verdict === 'no-data';
  const weightSum = judged.reduce((a, { o, j }) => a + (unscored(o, j) ? 0 : (o.weight ?? 1)), 0);
  const objectives = judged.map(({ o, j }): ObjectiveResult => {
    const weight = o.weight ?? 1;
    const maxContribution = unscored(o, j) || weightSum === 0 ? 0 : round((weight / weightSum) * 100, 2);
    const figure = o.sli === 'promql' && o.promql ? serviceSliFigure(ctx.serviceSlis, o.promql, o.phase ?? 'drill') : null;
    return {
      name: o.name,
      sli: o.sli,
      phase: o.phase ?? 'drill',
      op: o.op,
      target: o.target,
      measured: j.measured,
      unit: UNIT[o.sli],
      verdict: j.verdict,
      weight,
      credit: round(j.credit, 4),
      contribution: round(j.credit * maxContribution, 2),
      maxContribution,
      explanation: j.explanation,
      ...(j.interval ? { interval: j.interval } : {}),
      ...(j.requestsToDecide !== undefined ? { requestsToDecide: j.requestsToDecide } : {}),
      ...(o.sli === 'promql' ? { promql: o.promql, source: figure?.source ?? `promql: (no SLI "${o.promql}" configured for the service)` } : {}),
    };
  });
  const score = Math.min(100, round(objectives.reduce((a, o) => a + o.contribution, 0), 1));
  return { objectives, score };
}
