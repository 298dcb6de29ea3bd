/**
 * Resilience check of a finalist: run the space's drills (default replica-loss and overload, the
 * `--quick` profile, built-in load engine) on a fresh stack with the candidate's configuration, at
 * the candidate's own measured capacity: the base rate is half its SLO-compliant throughput and an
 * overload phase (`phaseRates.fault`) is twice it. A drill that does not pass rejects the candidate.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbeddedStackSpec, Runbook } from '@drillbook/contracts';
import { Drill } from '../engine/executor.js';
import { loadRunbook } from '../runbook/validate.js';
import type { DrillVerdict } from './rank.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
/** The built-in engine's admission bound is 5,000 req/s; stay clear of it. */
const MAX_DRILL_RPS = 4000;

export type DrillRunner = (input: { runbook: string; spec: EmbeddedStackSpec; compliantRps: number; outDir: string; log?: (l: string) => void }) => Promise<DrillVerdict>;

/** The runbook as a finalist's drill runs it: the candidate's configuration, the background shoppers, rates at its capacity. */
export function candidateRunbook(rb: Runbook, spec: EmbeddedStackSpec, compliantRps: number): Runbook {
  // The candidate is the configuration under test: its spec replaces the runbook's stack section.
  // The rate search measures a quiet stack (no background shoppers); a drill needs them back: the
  // SLO alerts watch real users' traffic only (drill load is synthetic="true"), so without shoppers
  // no expected alert could ever fire and detection would be judged on nothing.
  const { shoppers: _quiet, ...candidate } = spec;
  rb.stack = { ...candidate, ...(rb.stack?.shoppers !== undefined ? { shoppers: rb.stack.shoppers } : {}), ...(rb.stack?.zones && !spec.zones ? { zones: rb.stack.zones } : {}) };
  const base = Math.max(10, Math.min(MAX_DRILL_RPS, Math.round(compliantRps / 2)));
  rb.load.rate = base;
  rb.load.quick = { ...rb.load.quick, rate: base };
  if (rb.load.phaseRates?.fault !== undefined) rb.load.phaseRates = { ...rb.load.phaseRates, fault: Math.min(MAX_DRILL_RPS, Math.round(compliantRps * 2)) };
  return rb;
}

export const runDrillOnCandidate: DrillRunner = async ({ runbook, spec, compliantRps, outDir, log }) => {
  const loaded = loadRunbook(join(REPO, 'runbooks', `${runbook}.yaml`));
  candidateRunbook(loaded.runbook, spec, compliantRps);
  const drill = new Drill(loaded, { outDir, quick: true, loadEngine: 'builtin', autoAck: true, log: process.env.DRILLBOOK_DEBUG ? (l) => log?.(`      [${runbook}] ${l}`) : undefined });
  const r = await drill.run();
  const sc = r.scorecard;
  return {
    runbook,
    status: sc.status,
    score: sc.score,
    statusReason: sc.statusReason,
    missed: sc.objectives.filter((o) => o.verdict === 'missed').map((o) => ({ name: o.name, sli: o.sli, measured: o.measured, op: o.op, target: o.target })),
    dir: outDir,
    objectives: sc.objectives,
    generatorSaturated: sc.load.generator.saturated,
  } as DrillVerdict;
};
