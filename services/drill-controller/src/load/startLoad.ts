/** Picks the engine for a plan and starts it. */
import { existsSync } from 'node:fs';
import { startBuiltinLoad } from './builtin/engine.js';
import { thresholdsForPlan } from './defaultThresholds.js';
import { InvalidLoadPlan, LoadEngineUnavailable } from './errors.js';
import { startK6Load } from './k6/runner.js';
import { findOnPath } from './k6/which.js';
import { HostCpuSampler, perPhase } from './hostCpu.js';
import { normalizePlan } from './plan.js';
import { admitLoad } from './admission.js';
import type { LoadEngineChoice, LoadEngineName, LoadPlan, LoadRun } from './types.js';

export interface StartLoadOptions {
  engine: LoadEngineChoice;
  /** k6 executable; default: `k6` looked up on PATH. */
  k6Path?: string;
}

export interface EngineChoice {
  engine: LoadEngineName;
  k6Path: string | null;
  /** One sentence for logs and `--dry-run`: why this engine. */
  reason: string;
}

/**
 * `auto` runs k6 when `k6` is on PATH and the plan names a k6 script, the built-in engine otherwise.
 * `k6` insists (and throws `LoadEngineUnavailable` without k6); `builtin` never spawns anything.
 */
export function chooseEngine(choice: LoadEngineChoice, scenario: string | undefined, k6Path?: string): EngineChoice {
  if (choice === 'builtin') return { engine: 'builtin', k6Path: null, reason: 'the built-in engine was asked for' };
  const k6 = k6Path ?? findOnPath('k6');
  if (choice === 'k6') {
    if (!k6) {
      throw new LoadEngineUnavailable(
        'the k6 load engine was asked for but `k6` is not on PATH: install k6 v0.48+ (https://grafana.com/docs/k6/latest/set-up/install-k6/) or use the built-in engine (--load builtin)',
      );
    }
    if (!scenario) throw new InvalidLoadPlan('scenario', 'a k6 script such as load-tests/scenarios/replica-loss.js when the k6 engine runs');
    return { engine: 'k6', k6Path: k6, reason: `k6 was asked for (${k6})` };
  }
  if (k6 && scenario) return { engine: 'k6', k6Path: k6, reason: `k6 is on PATH (${k6}) and the runbook names ${scenario}` };
  if (k6) return { engine: 'builtin', k6Path: null, reason: 'k6 is on PATH but the runbook names no k6 script' };
  return { engine: 'builtin', k6Path: null, reason: 'k6 is not on PATH' };
}

/**
 * Starts load for a plan. Throws `InvalidLoadPlan` (naming the field) before anything starts when
 * the plan is unusable; once started, failures are reported through `done`, never thrown.
 */
export function startLoad(plan: LoadPlan, opts: StartLoadOptions): LoadRun {
  const p = normalizePlan(plan);
  const chosen = chooseEngine(opts.engine, p.scenario ?? undefined, opts.k6Path);
  admitLoad(p.phases, chosen.engine); // refuses an unschedulable plan before anything starts
  if (chosen.engine === 'k6' && !existsSync(p.scenario!)) throw new InvalidLoadPlan('scenario', `an existing k6 script (no file at ${p.scenario})`);
  const host = new HostCpuSampler();
  const run = chosen.engine === 'k6' ? startK6Load(p, chosen.k6Path!, p.scenario!) : startBuiltinLoad(p, () => thresholdsForPlan(p));
  // The host's CPU per phase goes with the outcome, for the verdict on the generator and the host.
  const done = run.done.then((o) => ({ ...o, hostCpu: perPhase(host.stop(), o.windows) }));
  return { ...run, stop: (reason) => run.stop(reason).then(() => done).then(() => undefined), done };
}
