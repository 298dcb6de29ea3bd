/**
 * Steps that decide whether a drill's figures can be trusted at all, before any objective counts:
 *
 * - Steady state: the baseline phase must meet the runbook's availability, error-rate and latency
 *   objectives (the same targets, measured over the baseline) — the steady-state hypothesis. An
 *   objective opts out with `steadyState: false`. Without it the drill is `invalid`.
 * - Generator health: how late the load generator sent against its schedule, what it dropped, and how
 *   busy the host was, per phase. When the generator's lag p99 in a scored phase exceeds a tenth of the
 *   tightest latency target, it dropped iterations in a scored phase, or the hypervisor stole more than
 *   a tenth of the host's CPU, the latency it measured is its own as much as the service's: a drill
 *   that then missed or could not decide an objective is `invalid`, not `failed` (status.ts).
 */
import type { GeneratorPhaseHealth, LoadPhaseName, Objective, Runbook, Scorecard } from '@drillbook/contracts';
import { LOAD_PHASES } from '@drillbook/contracts';
import type { LoadOutcome, LoadResult } from '../../load/index.js';
import { fmt, judge, LATENCY_QUANTILE, type MeasureContext } from './objectives.js';
import { round } from './util.js';

const STEADY_STATE_SLIS = new Set<Objective['sli']>(['availability', 'error_rate', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms']);
/** Lag limit as a share of the tightest latency target. */
export const LAG_SHARE_OF_TARGET = 0.1;
/** Lag limit when the runbook has no latency objective: late enough to distort the offered rate. */
export const LAG_LIMIT_WITHOUT_LATENCY_MS = 1000;
export const STEAL_LIMIT = 0.1;

/** The objectives that make up the steady-state hypothesis, as checks over the baseline phase. */
export function steadyStateChecks(rb: Runbook): Objective[] {
  const seen = new Set<string>();
  const out: Objective[] = [];
  for (const o of rb.objectives) {
    if (!STEADY_STATE_SLIS.has(o.sli) || o.steadyState === false) continue;
    const key = `${o.sli} ${o.op} ${o.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...o, phase: 'baseline' });
  }
  return out;
}

export function steadyStateStep(rb: Runbook, ctx: MeasureContext): Scorecard['steadyState'] {
  const checks = steadyStateChecks(rb);
  if (checks.length === 0) return { established: true, reason: 'no availability or latency objective to hold in the baseline (none, or every one opted out)' };
  if (!ctx.phases.some((p) => p.phase === 'baseline' && p.requests > 0)) return { established: false, reason: 'steady state not established: the drill has no baseline phase with requests to check it against' };
  const missed: string[] = [];
  const held: string[] = [];
  for (const c of checks) {
    const j = judge(c, ctx);
    const what = `baseline ${c.sli.replace(/_ms$/, '').replace('latency_', '')} ${j.measured === null ? 'no data' : fmt(j.measured, c.sli)} vs ${c.op} ${fmt(c.target, c.sli)}`;
    // Only a baseline that decisively missed breaks the hypothesis; an undecidable one is noted.
    if (j.verdict === 'missed' || j.verdict === 'no-data') missed.push(what);
    else held.push(j.verdict === 'inconclusive' ? `${what} (inconclusive)` : what);
  }
  if (missed.length) return { established: false, reason: `steady state not established: ${missed.join(', ')}` };
  return { established: true, reason: `steady state held in the baseline: ${held.join(', ')}` };
}

/** Phases whose figures some objective scores (a `drill` objective scores every phase). */
function scoredPhases(rb: Runbook): Set<LoadPhaseName> {
  const out = new Set<LoadPhaseName>();
  for (const o of rb.objectives) {
    if (!o.phase || o.phase === 'drill') LOAD_PHASES.forEach((p) => out.add(p));
    else out.add(o.phase);
  }
  // The baseline is always scored: the steady state is judged on it.
  out.add('baseline');
  return out;
}

export function lagLimitMs(rb: Runbook): number {
  const targets = rb.objectives.filter((o) => LATENCY_QUANTILE[o.sli] !== undefined && o.op === '<=' && Number.isFinite(o.target) && o.target > 0).map((o) => o.target);
  return targets.length ? Math.max(1, Math.min(...targets) * LAG_SHARE_OF_TARGET) : LAG_LIMIT_WITHOUT_LATENCY_MS;
}

export function generatorStep(rb: Runbook, load: LoadResult | null, outcome: LoadOutcome | null): Scorecard['load']['generator'] {
  const scored = scoredPhases(rb);
  const phases: GeneratorPhaseHealth[] = [];
  for (const p of LOAD_PHASES) {
    const s = load?.phases.find((x) => x.phase === p);
    const h = outcome?.hostCpu?.find((x) => x.phase === p);
    if (!s && !h) continue;
    phases.push({
      phase: p,
      schedLagP99Ms: s?.schedLagMs.p99 == null ? null : round(s.schedLagMs.p99, 2),
      schedLagMaxMs: s?.schedLagMs.max == null ? null : round(s.schedLagMs.max, 2),
      droppedIterations: s?.droppedIterations ?? 0,
      hostCpuBusy: h?.busy ?? null,
      hostCpuSteal: h?.steal ?? null,
    });
  }
  const inScored = phases.filter((p) => scored.has(p.phase));
  const max = (xs: Array<number | null>) => (xs.some((x) => x !== null) ? Math.max(...xs.filter((x): x is number => x !== null)) : null);
  const limit = round(lagLimitMs(rb), 2);
  const problems: string[] = [];
  for (const p of inScored) {
    if (p.schedLagP99Ms !== null && p.schedLagP99Ms > limit) problems.push(`${p.phase}: send lag p99 ${p.schedLagP99Ms} ms > ${limit} ms (a tenth of the tightest latency target)`);
    if (p.droppedIterations > 0) problems.push(`${p.phase}: ${p.droppedIterations} iterations dropped`);
    if (p.hostCpuSteal !== null && p.hostCpuSteal > STEAL_LIMIT) problems.push(`${p.phase}: ${(p.hostCpuSteal * 100).toFixed(0)}% of the host's CPU stolen by the hypervisor`);
  }
  const busy = max(inScored.map((p) => p.hostCpuBusy));
  const lag = max(inScored.map((p) => p.schedLagP99Ms));
  const figures = `send lag p99 ${lag ?? 'n/a'} ms (limit ${limit} ms), host CPU busy ${busy === null ? 'n/a' : `${(busy * 100).toFixed(0)}%`}`;
  return {
    schedLagP99Ms: lag,
    droppedIterations: inScored.reduce((a, p) => a + p.droppedIterations, 0),
    hostCpuBusy: busy,
    hostCpuSteal: max(inScored.map((p) => p.hostCpuSteal)),
    saturated: problems.length > 0,
    reason: problems.length ? `load generator saturated: ${problems.join('; ')} (host CPU busy ${busy === null ? 'n/a' : `${(busy * 100).toFixed(0)}%`})` : `load generator kept up: ${figures}`,
    phases,
  };
}
