/**
 * `drillbook tune`: search a target's configuration space for the highest SLO-compliant throughput,
 * one candidate at a time on a fresh, quiet instance; drill the best (finalists) and reject those
 * that fail a drill; recommend the best survivor, with the gain against the current default
 * measured side by side in the same run.
 *
 * The phases are small modules: search (search.ts) -> measure (rateSearch.ts) -> rank (rank.ts) ->
 * drill (drills.ts) -> outputs (report.ts). Measuring and drilling are injected, so the whole flow
 * runs in unit tests against a synthetic target.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { recommendActions, type ActionFinding } from '@drillbook/contracts';
import type { DrillRunner } from './drills.js';
import { drillRejection, paretoFront, rankCandidates, recommend, type Candidate, type DrillVerdict } from './rank.js';
import type { RateSearchResult } from './rateSearch.js';
import { assignmentKey, chooseStrategy, search, spaceSize, type Assignment, type Strategy } from './search.js';
import type { TuneSpace } from './space.js';

export type Measurer = (input: { config: unknown; dir: string; ndcgReference: number | null; log?: (l: string) => void }) => Promise<RateSearchResult>;

export interface TuneOptions {
  space: TuneSpace;
  /** Minutes the search (measuring candidates) may take; drills come after. */
  budgetMin: number;
  outDir: string;
  /** Skip the drills (finalists are then not proven; nothing is recommended over the default). */
  noDrills?: boolean;
  log?: (line: string) => void;
  measure: Measurer;
  drill: DrillRunner;
  now?: () => number;
}

export interface TuneResult {
  schemaVersion: 1;
  space: string;
  target: string;
  startedAt: string;
  endedAt: string;
  durationS: number;
  budgetMin: number;
  strategy: Strategy;
  spaceSize: number;
  stop: string;
  objectives: TuneSpace['objectives'];
  rates: TuneSpace['rates'];
  drills: string[];
  notKnobs: ReadonlyArray<{ name: string; why: string }>;
  ndcgReference: number | null;
  candidates: Candidate[];
  defaultKey: string;
  recommendedKey: string | null;
  /** The recommended candidate passed every drill (false: no finalist did; the default is kept). */
  proven: boolean;
  defaultRps: number;
  bestRps: number;
  /** bestRps / defaultRps (null when the default held no rate). */
  gain: number | null;
  drilled: number;
  rejectedByDrill: number;
  /** Recommended actions for what the drills found, per rejected finalist. */
  actions: Array<{ candidate: string; runbook: string; findings: ActionFinding[] }>;
  /** The recommended configuration (the adapter's config shape). */
  recommendedConfig: unknown;
}

export async function runTune(o: TuneOptions): Promise<TuneResult> {
  const now = o.now ?? Date.now;
  const log = o.log ?? (() => {});
  const { space } = o;
  const t0 = now();
  const startedAt = new Date().toISOString();
  const strategy = chooseStrategy(space.knobs, space.strategy, space.gridLimit);
  const budgetMs = o.budgetMin * 60_000;
  mkdirSync(o.outDir, { recursive: true });
  log(`tune ${space.file}: ${space.knobs.map((k) => `${k.name} [${k.values.join(', ')}]`).join(' · ')} -> ${spaceSize(space.knobs)} candidates, ${strategy}, budget ${o.budgetMin} min`);

  let ndcgReference: number | null = null;
  let n = 0;
  const result = await search<RateSearchResult>({
    knobs: space.knobs,
    start: space.default,
    strategy,
    // The next candidate starts only if, at the mean time per candidate so far, it ends within the budget.
    budget: { canEvaluate: (done) => done === 0 || now() - t0 + (now() - t0) / done <= budgetMs },
    evaluate: async (a) => {
      const k = ++n;
      const tc = now();
      const config = space.adapter.configOf(a, space.base);
      log(`  candidate ${k}: ${assignmentKey(a)}${k === 1 ? ' (current default)' : ''}`);
      const dir = join(o.outDir, 'candidates', `${String(k).padStart(2, '0')}`);
      let m: RateSearchResult;
      try {
        m = await o.measure({ config, dir, ndcgReference, log });
      } catch (e) {
        m = { compliantRps: 0, p99Ms: null, steps: [], warmupNdcg10: null, durationS: 0, error: (e as Error).message };
        log(`    could not be measured: ${m.error}`);
      }
      if (k === 1) ndcgReference = m.warmupNdcg10;
      log(`    SLO-compliant throughput ${m.compliantRps} req/s${m.p99Ms !== null ? ` (p99 ${m.p99Ms.toFixed(1)} ms)` : ''} · ${((now() - tc) / 1000).toFixed(0)} s with the stack start`);
      return { score: m.error ? null : m.compliantRps, measurement: m };
    },
  });

  const defaultKey = assignmentKey(space.default);
  const candidates: Candidate[] = result.evaluated.map((e) => {
    const { warmupNdcg10: _w, ...measurement } = e.measurement;
    return { key: e.key, assignment: e.assignment, isDefault: e.key === defaultKey, measurement };
  });
  const ranked = rankCandidates(candidates);
  const front = paretoFront(ranked);
  for (const c of ranked) c.pareto = front.has(c.key);

  const actions: TuneResult['actions'] = [];
  // The top `finalists` are drilled; when none of them passed every drill, the next-ranked
  // candidates are drilled one at a time until one does, up to `maxDrilled` in all.
  const drillable = o.noDrills ? [] : ranked.filter((c) => c.measurement.compliantRps > 0);
  const finalists: Candidate[] = [];
  for (const c of drillable) {
    if (finalists.length >= space.finalists && (finalists.some((f) => !f.rejected) || finalists.length >= space.maxDrilled)) break;
    const i = finalists.length;
    finalists.push(c);
    log(`  drilling ${i < space.finalists ? `finalist ${i + 1}` : `candidate ${i + 1} (no finalist passed every drill yet)`} (rank ${c.rank}): ${c.key}`);
    const spec = space.adapter.configOf(c.assignment, space.base);
    const verdicts: DrillVerdict[] = [];
    for (const rb of space.drills) {
      let v: DrillVerdict;
      try {
        v = await o.drill({ runbook: rb, spec: spec as never, compliantRps: c.measurement.compliantRps, outDir: join(o.outDir, 'drills', `finalist-${i + 1}`, rb), log });
      } catch (e) {
        v = { runbook: rb, status: 'aborted', score: 0, statusReason: `the drill could not run: ${(e as Error).message}`, missed: [] };
      }
      log(`    ${rb}: ${v.status.toUpperCase()} score ${v.score}${v.missed.length ? ` — missed ${v.missed.map((m) => m.name).join(', ')}` : ''}`);
      verdicts.push(v);
      if (v.status !== 'passed' && v.objectives) {
        const findings = recommendActions({ objectives: v.objectives, load: { generator: { saturated: v.generatorSaturated } } }, { gatewayRetries: c.assignment.gatewayRetries as boolean | undefined });
        if (findings.length) actions.push({ candidate: c.key, runbook: rb, findings });
      }
    }
    // Keep the scorecard objectives out of tune.json's candidates (they are in each drill's own scorecard).
    c.drills = verdicts.map(({ objectives: _o, ...v }) => v);
    c.rejected = drillRejection(verdicts);
    if (c.rejected) log(`    rejected: ${c.rejected}`);
  }

  const rec = recommend(ranked);
  const def = ranked.find((c) => c.isDefault)!;
  const chosen = rec ?? def;
  const defaultRps = def.measurement.compliantRps;
  const bestRps = chosen.measurement.compliantRps;
  const out: TuneResult = {
    schemaVersion: 1,
    space: space.file,
    target: space.adapter.name,
    startedAt,
    endedAt: new Date().toISOString(),
    durationS: Math.round((now() - t0) / 100) / 10,
    budgetMin: o.budgetMin,
    strategy: result.strategy,
    spaceSize: result.spaceSize,
    stop: result.stop,
    objectives: space.objectives,
    rates: space.rates,
    drills: o.noDrills ? [] : space.drills,
    notKnobs: space.adapter.notKnobs,
    ndcgReference,
    candidates: ranked,
    defaultKey,
    recommendedKey: rec ? rec.key : null,
    proven: !!rec,
    defaultRps,
    bestRps,
    gain: defaultRps > 0 ? Math.round((bestRps / defaultRps) * 1000) / 1000 : null,
    drilled: finalists.length,
    rejectedByDrill: finalists.filter((c) => c.rejected).length,
    actions,
    recommendedConfig: space.adapter.configOf(chosen.assignment, space.base),
  };
  return out;
}

/** The measurer for a real target: a fresh instance per candidate, the rate search, then stop it. */
export function instanceMeasurer(space: TuneSpace): Measurer {
  return async ({ config, dir, ndcgReference, log }) => {
    const { measureCompliantThroughput } = await import('./rateSearch.js');
    mkdirSync(dir, { recursive: true });
    const stackDir = join(dir, 'stack');
    const inst = await space.adapter.start(config, { dir: stackDir });
    try {
      return await measureCompliantThroughput({ gatewayUrl: inst.gatewayUrl, sessionsFile: inst.sessionsFile, plan: space.rates, objectives: space.objectives, ndcgReference, outDir: join(dir, 'load'), log });
    } finally {
      await inst.close();
      rmSync(stackDir, { recursive: true, force: true });
    }
  };
}

export type { Assignment };
