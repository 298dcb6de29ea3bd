/** Step: per-phase statistics, from the load result and the phases' wall-clock windows. */
import type { DrillJournal, LoadPhaseName, PhaseStats } from '@drillbook/contracts';
import { LOAD_PHASES } from '@drillbook/contracts';
import type { LoadOutcome, LoadResult } from '../../load/index.js';
import { round } from './util.js';

export function phaseStats(j: DrillJournal, load: LoadResult | null, outcome: LoadOutcome | null, rel: (iso: string) => number): PhaseStats[] {
  const windowsByPhase = new Map((outcome?.windows ?? j.load?.windows ?? []).map((w) => [w.phase, w]));
  const phases: PhaseStats[] = [];
  for (const p of LOAD_PHASES) {
    const s = load?.phases.find((x) => x.phase === p);
    const w = windowsByPhase.get(p);
    if (!s && !w) continue;
    phases.push({
      phase: p,
      startS: w ? rel(w.start) : s?.firstMs != null ? s.firstMs / 1000 : 0,
      endS: w ? rel(w.end) : s?.lastMs != null ? s.lastMs / 1000 : 0,
      requests: s?.requests ?? 0,
      errors: s?.errors ?? 0,
      errorRate: s?.errorRate ?? null,
      degraded: s?.degraded ?? 0,
      degradedShare: s?.degradedShare ?? null,
      throughputRps: s?.throughputRps ?? null,
      plannedRps: j.load?.plannedRate[p] ?? null,
      latencyMs: s?.latencyMs ?? { p50: null, p95: null, p99: null, max: null },
      ndcg10: s?.ndcg10 == null ? null : round(s.ndcg10, 4),
    });
  }
  return phases;
}

export const phaseOf = (phases: readonly PhaseStats[], p: LoadPhaseName): PhaseStats | undefined => phases.find((x) => x.phase === p);
