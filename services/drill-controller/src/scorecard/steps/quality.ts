/**
 * Step: ranking quality. NDCG@10 per phase against the baseline, paired by query where enough
 * same-query pairs exist.
 */
import type { LoadPhaseName, PhaseStats, Scorecard } from '@drillbook/contracts';
import type { LoadResult, LoadSample } from '../../load/index.js';
import { phaseOf } from './phases.js';
import { round } from './util.js';

/** Fewest same-query pairs for the paired NDCG ratio; below it the phases' plain means are compared. */
const MIN_NDCG_PAIRS = 30;

/**
 * NDCG@10 of a phase against the baseline on the same queries: both engines send the n-th request of
 * every phase from the same held-out session, so requests with equal iteration numbers in the two
 * phases asked the same thing. Comparing the phases' plain means instead adds the sampling noise of
 * two different query sets (a healthy drill read 0.945-1.125). Null when fewer than
 * MIN_NDCG_PAIRS requests were scored in both.
 */
export function pairedNdcgRatio(samples: readonly LoadSample[], phase: LoadPhaseName): number | null {
  const base = new Map<number, number>();
  for (const s of samples) if (s.phase === 'baseline' && s.ndcg !== null && s.index != null) base.set(s.index, s.ndcg);
  let sumBase = 0;
  let sumPhase = 0;
  let pairs = 0;
  for (const s of samples) {
    if (s.phase !== phase || s.ndcg === null || s.index == null) continue;
    const b = base.get(s.index);
    if (b === undefined) continue;
    sumBase += b;
    sumPhase += s.ndcg;
    pairs++;
  }
  if (pairs < MIN_NDCG_PAIRS || sumBase === 0) return null;
  return sumPhase / sumBase;
}


export interface QualityStep {
  quality: Scorecard['quality'];
  /** NDCG ratio of one phase against the baseline (paired when possible); null without a baseline. */
  phaseRatio: (p: LoadPhaseName) => number | null;
}

export function qualityStep(phases: readonly PhaseStats[], load: LoadResult | null): QualityStep {
  const samples = load?.samples ?? [];
  const baselineNdcg = phaseOf(phases, 'baseline')?.ndcg10 ?? null;
  const later = (['fault', 'recovery'] as const).map((p) => phaseOf(phases, p)?.ndcg10).filter((x): x is number => x !== null && x !== undefined);
  const drillNdcg = later.length ? Math.min(...later) : null;
  const phaseRatio = (p: LoadPhaseName): number | null => {
    if (!baselineNdcg) return null;
    const paired = pairedNdcgRatio(samples, p);
    if (paired !== null) return round(paired, 4);
    const nd = phaseOf(phases, p)?.ndcg10;
    return nd !== null && nd !== undefined ? round(nd / baselineNdcg, 4) : null;
  };
  const laterRatios = (['fault', 'recovery'] as const).map(phaseRatio).filter((x): x is number => x !== null);
  const ndcgRatio = baselineNdcg && laterRatios.length ? Math.min(...laterRatios) : null;
  const scored = load?.phases.reduce((a, p) => a + p.scored, 0) ?? 0;
  return { quality: { baselineNdcg10: baselineNdcg, drillNdcg10: drillNdcg, ndcgRatio, scoredRequests: scored }, phaseRatio };
}
