/**
 * What the drill's phase modules share: the runbook, the options, the context steps run in, the one
 * abort path, and the activity wrapper. `Drill.run()` hands one `PhaseEnv` to each phase in order.
 */
import type { DrillPhase, LoadPhaseName } from '@drillbook/contracts';
import type { LoadOutcome, LoadRun } from '../../load/index.js';
import type { LoadedRunbook } from '../../runbook/validate.js';
import type { ActivityResult, DrillContext } from '../context.js';
import type { AbortSource, DrillOptions } from '../executor.js';
import type { DrillTarget } from '../target.js';

export type Act = <T>(id: string, name: string, kind: 'phase' | 'load', phase: DrillPhase, fn: () => Promise<T>) => Promise<ActivityResult<T>>;

export interface PhaseEnv {
  loaded: LoadedRunbook;
  opts: DrillOptions;
  ctx: DrillContext;
  act: Act;
  abort(source: AbortSource, reason: string): void;
  readonly aborted: boolean;
  /** The target, once preflight has one (null before, and when it could not start). */
  target(): DrillTarget | null;
  setTarget(t: DrillTarget): void;
  setLoadRun(r: LoadRun): void;
  setLoadPhase(p: LoadPhaseName | null): void;
  outcome: LoadOutcome | null;
}

export interface DrillPhaseModule {
  name: DrillPhase;
  run(env: PhaseEnv): Promise<void>;
}
