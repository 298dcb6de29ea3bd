/**
 * SLO-compliant throughput of one running instance: the highest open-model (constant-arrival-rate)
 * rate at which p99, availability and served NDCG@10 all hold, found by doubling from `startRps`
 * until a rate fails, then bisecting between the last rate that held and the first that did not.
 * Every candidate gets the same plan (rates, step length, warm-up), so their figures compare.
 */
import { join } from 'node:path';
import { readLoadResult, startLoad } from '../load/index.js';
import type { Measurement, RateStep } from './rank.js';
import type { RatePlan, TuneObjectives } from './space.js';

export interface RateSearchOptions {
  gatewayUrl: string;
  sessionsFile: string;
  plan: RatePlan;
  objectives: TuneObjectives;
  /** NDCG@10 the ratio is taken against (the default candidate's at the warm-up rate); null = measure it now (the first candidate). */
  ndcgReference: number | null;
  outDir: string;
  log?: (line: string) => void;
  /** How long each rate waits for `/readyz` before it counts as missed (default 30 s). */
  settleTimeoutMs?: number;
}

export interface RateSearchResult extends Measurement {
  /** NDCG@10 at the warm-up rate on this instance. */
  warmupNdcg10: number | null;
}

/** The target did not become ready for a rate: that rate missed (the previous one overloaded it), the candidate goes on. */
class NotReady extends Error {}

/** Share of the scheduled requests the generator may drop before a rate counts as not delivered. */
const MAX_DROPPED_SHARE = 0.01;

/** How long a rate waits for the target to be ready again after the previous rate overloaded it. */
const SETTLE_TIMEOUT_MS = 30_000;

/** Wait until `GET /readyz` answers 200 (a replica that shed or restarted under the previous rate recovers first). */
async function settle(gatewayUrl: string, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(new URL('/readyz', gatewayUrl), { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return true;
    } catch {
      // not answering yet
    }
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function runRate(o: RateSearchOptions, rps: number, durationS: number, dir: string) {
  const timeoutMs = o.settleTimeoutMs ?? SETTLE_TIMEOUT_MS;
  if (!(await settle(o.gatewayUrl, timeoutMs))) throw new NotReady(`target not ready ${timeoutMs / 1000} s after the previous rate`);
  const run = startLoad(
    { baseUrl: o.gatewayUrl, phases: [{ phase: 'baseline', durationS, rate: rps, mix: 'training' }], k: 10, timeoutMs: 2000, sessions: o.sessionsFile, outDir: dir, thresholds: {} },
    { engine: 'builtin' },
  );
  const outcome = await run.done;
  if (outcome.status === 'setup-failed' && /not ready/.test(outcome.error ?? '')) throw new NotReady(outcome.error ?? 'target not ready');
  if (outcome.status === 'setup-failed' || outcome.status === 'failed') throw new Error(`load at ${rps} req/s ${outcome.status}: ${outcome.error ?? ''}`);
  return readLoadResult(outcome.summaryFile, outcome.pointsFile);
}

/** Judge one rate against the objectives. */
export function judgeRate(
  rps: number,
  ph: { requests: number; errorRate: number | null; latencyMs: { p99: number | null }; ndcg10: number | null; degradedShare: number | null; throughputRps: number | null; droppedIterations: number },
  objectives: TuneObjectives,
  ndcgReference: number | null,
): RateStep {
  const availability = ph.errorRate === null ? null : 1 - ph.errorRate;
  const reasons: string[] = [];
  const planned = ph.requests + ph.droppedIterations;
  if (!ph.requests) reasons.push('no request completed');
  if (planned && ph.droppedIterations / planned > MAX_DROPPED_SHARE) reasons.push(`generator dropped ${ph.droppedIterations} of ${planned} scheduled requests`);
  if (ph.latencyMs.p99 === null || ph.latencyMs.p99 > objectives.p99Ms) reasons.push(`p99 ${ph.latencyMs.p99?.toFixed(1) ?? '—'} ms > ${objectives.p99Ms} ms`);
  if (availability === null || availability < objectives.availability) reasons.push(`availability ${availability === null ? '—' : (availability * 100).toFixed(2) + '%'} < ${(objectives.availability * 100).toFixed(2)}%`);
  if (ndcgReference !== null && ndcgReference > 0 && ph.ndcg10 !== null && ph.ndcg10 / ndcgReference < objectives.ndcgRatio)
    reasons.push(`served NDCG@10 ${ph.ndcg10.toFixed(4)} < ${objectives.ndcgRatio} x ${ndcgReference.toFixed(4)}`);
  return {
    offeredRps: rps,
    achievedRps: ph.throughputRps,
    requests: ph.requests,
    p99Ms: ph.latencyMs.p99,
    availability,
    ndcg10: ph.ndcg10,
    degradedShare: ph.degradedShare,
    pass: reasons.length === 0,
    reason: reasons.join('; '),
  };
}

/** The rates the search tries, given a judge (exported for the unit test of the schedule). */
export async function searchRates(plan: RatePlan, tryRate: (rps: number) => Promise<RateStep>): Promise<{ best: RateStep | null; steps: RateStep[] }> {
  const steps: RateStep[] = [];
  let best: RateStep | null = null;
  let failAt: number | null = null;
  for (let r = plan.startRps; ; r = Math.min(plan.maxRps, r * 2)) {
    const s = await tryRate(r);
    steps.push(s);
    if (!s.pass) {
      failAt = r;
      break;
    }
    best = s;
    if (r >= plan.maxRps) break;
  }
  if (failAt !== null && best) {
    let lo = best.offeredRps;
    let hi = failAt;
    for (let i = 0; i < plan.refineSteps && hi - lo > Math.max(2, lo * 0.05); i++) {
      const mid = Math.round((lo + hi) / 2);
      const s = await tryRate(mid);
      steps.push(s);
      if (s.pass) {
        best = s;
        lo = mid;
      } else hi = mid;
    }
  }
  return { best, steps };
}

export async function measureCompliantThroughput(o: RateSearchOptions): Promise<RateSearchResult> {
  const t0 = Date.now();
  let n = 0;
  let warmupNdcg10: number | null = null;
  if (o.plan.warmupS > 0) {
    const w = await runRate(o, o.plan.startRps, o.plan.warmupS, join(o.outDir, `warmup`));
    warmupNdcg10 = w.phases[0]?.ndcg10 ?? null;
  }
  const reference = o.ndcgReference ?? warmupNdcg10;
  const once = async (rps: number): Promise<RateStep> => {
    let r: Awaited<ReturnType<typeof runRate>>;
    try {
      r = await runRate(o, rps, o.plan.stepS, join(o.outDir, `rate-${++n}-${rps}`));
    } catch (e) {
      if (!(e instanceof NotReady)) throw e;
      const step: RateStep = { offeredRps: rps, achievedRps: null, requests: 0, p99Ms: null, availability: null, ndcg10: null, degradedShare: null, pass: false, reason: e.message };
      o.log?.(`    ${rps} req/s: missed (${step.reason})`);
      return step;
    }
    const ph = r.phases[0];
    const step = ph
      ? judgeRate(rps, ph, o.objectives, reference)
      : { offeredRps: rps, achievedRps: null, requests: 0, p99Ms: null, availability: null, ndcg10: null, degradedShare: null, pass: false, reason: 'no request completed' };
    o.log?.(`    ${rps} req/s: ${step.pass ? 'held' : `missed (${step.reason})`} p99 ${step.p99Ms?.toFixed(1) ?? '—'} ms`);
    return step;
  };
  // A rate that misses is tried once more before it counts (a shared host's hiccup is not the candidate's capacity).
  const { best, steps } = await searchRates(o.plan, async (rps) => {
    const first = await once(rps);
    if (first.pass) return first;
    const again = await once(rps);
    return again.pass ? { ...again, reason: `held on the second try (first: ${first.reason})` } : first;
  });
  return { compliantRps: best?.offeredRps ?? 0, p99Ms: best?.p99Ms ?? null, steps, warmupNdcg10, durationS: (Date.now() - t0) / 1000 };
}
