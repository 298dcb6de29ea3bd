/** Public surface of the drill controller package: the engine, runbooks, scorecards, outputs. */
export { Drill, DEFAULT_SLO, type DrillOptions, type DrillResult, type AbortSource } from './engine/executor.js';
export { EventBus, type DrillObserver } from './engine/events.js';
export { startEmbeddedTarget, stackTarget, connectTarget, type DrillTarget, type ReplicaRef } from './engine/target.js';
export { undoDrill, type UndoTarget, type UndoResult } from './engine/undo.js';
export { loadRunbook, parseRunbook, validateFiles, runbookFiles, type LoadedRunbook } from './runbook/validate.js';
export { buildPlan, formatPlan, loadPhases, predictedReplicas } from './runbook/plan.js';
export { durationMs, formatDuration } from './runbook/duration.js';
export { computeScorecard, credit, recovery, type SloReference, type ScorecardInput } from './scorecard/compute.js';
export { writeOutputs, renderJunit, terminalSummary, type OutputFiles } from './report/outputs.js';
export { renderReport } from './report/html.js';
export { DrillError, InvalidRunbook, StepFailed, DrillAborted, TargetError, formatProblem, type RunbookProblem } from './errors.js';
