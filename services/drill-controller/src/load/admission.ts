/**
 * Plan admission: before a drill starts, refuse a load plan the engine cannot schedule within its
 * memory and time bounds (`LOAD_ADMISSION` in the contracts). Checked by the validator (both
 * profiles, any engine), by `buildPlan` (the engine that will run: `drillbook run`, the controller's
 * 422) and by `startLoad` itself, so no caller can hand an engine an unbounded schedule.
 */
import { LOAD_ADMISSION, type LoadPhaseName } from '@drillbook/contracts';
import { LoadError } from './errors.js';
import type { LoadEngineName, LoadPhasePlan } from './types.js';

export interface AdmissionProblem {
  /** `rate` of one phase, the plan's total `requests`, or its total `duration`. */
  kind: 'rate' | 'requests' | 'duration';
  phase?: LoadPhaseName;
  message: string;
}

/** A plan refused before anything started; the message says which bound and by how much. */
export class LoadPlanRefused extends LoadError {
  override name = 'LoadPlanRefused';
  constructor(readonly problems: AdmissionProblem[]) {
    super(`load plan refused: ${problems.map((p) => p.message).join('; ')}`);
  }
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 3 }) : String(n));

/** Problems of a plan for `engine` (null: any engine, the engine-independent bounds only). */
export function admissionProblems(phases: readonly Pick<LoadPhasePlan, 'phase' | 'durationS' | 'rate'>[], engine: LoadEngineName | null): AdmissionProblem[] {
  const out: AdmissionProblem[] = [];
  const maxRate = engine === 'builtin' ? LOAD_ADMISSION.maxBuiltinRate : LOAD_ADMISSION.maxRate;
  const who = engine === 'builtin' ? 'the built-in load engine' : 'a load engine';
  let requests = 0;
  let ms = 0;
  for (const p of phases) {
    if (!(Number.isFinite(p.rate) && p.rate > 0)) out.push({ kind: 'rate', phase: p.phase, message: `${p.phase} phase: a rate of ${fmt(p.rate)} req/s is not a finite rate > 0` });
    else if (p.rate > maxRate) {
      out.push({ kind: 'rate', phase: p.phase, message: `${p.phase} phase: ${fmt(p.rate)} req/s is more than ${who} schedules (at most ${fmt(maxRate)} req/s)${engine === 'builtin' ? '; use k6 (--load k6) for more' : ''}` });
    }
    requests += p.rate * p.durationS;
    ms += p.durationS * 1000;
  }
  if (!(ms <= LOAD_ADMISSION.maxDurationMs)) out.push({ kind: 'duration', message: `the load lasts ${fmt(ms / 3_600_000)} h, more than ${LOAD_ADMISSION.maxDurationMs / 3_600_000} h` });
  if (!(requests <= LOAD_ADMISSION.maxRequests)) out.push({ kind: 'requests', message: `the plan sends ${fmt(Math.round(requests))} requests, more than ${fmt(LOAD_ADMISSION.maxRequests)} per drill` });
  return out;
}

/** Throws `LoadPlanRefused` when the plan is outside the bounds of `engine`. */
export function admitLoad(phases: readonly Pick<LoadPhasePlan, 'phase' | 'durationS' | 'rate'>[], engine: LoadEngineName | null): void {
  const problems = admissionProblems(phases, engine);
  if (problems.length) throw new LoadPlanRefused(problems);
}
