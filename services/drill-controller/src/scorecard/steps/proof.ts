/**
 * Step: proof the drill was real. Every injected fault has evidence seen at the target, and the
 * planned load arrived with no dropped iterations. Without it the drill is `invalid`, not `passed`.
 */
import type { DrillJournal, PhaseStats, Scorecard } from '@drillbook/contracts';
import type { LoadResult } from '../../load/index.js';
import { round } from './util.js';

export interface ProofStep {
  proof: Scorecard['proof'];
  /** Fault steps without evidence at the target. */
  unproven: string[];
  faultSteps: string[];
}

export function proofStep(j: DrillJournal, load: LoadResult | null, phases: readonly PhaseStats[]): ProofStep {
  const faultSteps = [...new Set(j.faults.map((f) => f.step))];
  const evidence = j.faultEvidence.map((e) => `${e.detail}`);
  const unproven = faultSteps.filter((s) => !j.faultEvidence.some((e) => e.signal === `fault:${s}`));
  const faultObserved = { ok: faultSteps.length > 0 && unproven.length === 0, evidence };
  const plannedRequests = Math.round(phases.reduce((a, p) => a + (p.plannedRps ?? 0) * Math.max(0, p.endS - p.startS), 0));
  const sent = load?.totals.requests ?? 0;
  const dropped = load?.totals.droppedIterations ?? 0;
  const achievedRatio = plannedRequests ? round(sent / plannedRequests, 4) : null;
  const loadDelivered = { ok: !!load && dropped === 0 && achievedRatio !== null && achievedRatio >= 0.95, plannedRequests, sentRequests: sent, droppedIterations: dropped, achievedRatio };
  return { proof: { valid: faultObserved.ok && loadDelivered.ok, faultObserved, loadDelivered }, unproven, faultSteps };
}
