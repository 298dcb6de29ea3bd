/**
 * Load for drills: two engines, one output. See README.md in this folder.
 *
 * - `startLoad(plan, { engine })` runs real k6 on a script in load-tests/ (when asked, or `auto`
 *   with k6 on PATH) or the built-in open-model engine; both write a k6 handleSummary JSON and a
 *   k6 `--out json` points file, tag samples `scenario:<phase>`, and tick live figures.
 * - `readLoadResult(summaryFile, pointsFile)` reads either engine's output into one `LoadResult`.
 */
export { startLoad, chooseEngine, type StartLoadOptions, type EngineChoice } from './startLoad.js';
export { readLoadResult } from './reader/readLoadResult.js';
export { describeExitCode, statusOfExitCode, K6_EXIT } from './exitCodes.js';
export { defaultMaxInFlight, normalizePlan } from './plan.js';
export { readSessionsFile } from './sessions.js';
export { ndcgAtK } from '@drillbook/contracts';
export { LoadError, InvalidLoadPlan, LoadEngineUnavailable, LoadOutputError } from './errors.js';
export { admitLoad, admissionProblems, LoadPlanRefused, type AdmissionProblem } from './admission.js';
export type {
  LoadEngineName,
  LoadEngineChoice,
  LoadMix,
  LoadPhasePlan,
  LoadPlan,
  LoadRun,
  LoadTick,
  LoadOutcome,
  LoadOutcomeStatus,
  LoadWindow,
  LoadResult,
  LoadSample,
  PhaseLoadStats,
  LatencySummary,
  ThresholdMap,
  ThresholdResult,
  Unsubscribe,
} from './types.js';
