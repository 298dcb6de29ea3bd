/**
 * k6's exit codes (errext/exitcodes in the k6 source) and what each means for a drill. The built-in
 * engine reports the same codes so the drill engine maps both engines the same way.
 */
import type { LoadOutcomeStatus } from './types.js';

export const K6_EXIT = {
  ok: 0,
  thresholdsCrossed: 99,
  setupTimeout: 100,
  genericEngine: 103,
  invalidConfig: 104,
  externalAbort: 105,
  scriptException: 107,
  scriptAborted: 108,
} as const;

/**
 * @param stopRequested whether `stop()` was called (k6 then exits 105 after writing its summary)
 * @param setupAborted whether the run ended in `setup()` (the readiness check)
 */
export function statusOfExitCode(code: number | null, stopRequested: boolean, setupAborted = false): LoadOutcomeStatus {
  if (code === K6_EXIT.ok) return stopRequested ? 'stopped' : 'completed';
  if (code === K6_EXIT.thresholdsCrossed) return stopRequested ? 'stopped' : 'thresholds-crossed';
  if (code === K6_EXIT.externalAbort && stopRequested) return 'stopped';
  if (code === K6_EXIT.scriptAborted && setupAborted) return 'setup-failed';
  return 'failed';
}

export function describeExitCode(code: number | null): string {
  switch (code) {
    case K6_EXIT.ok:
      return 'load completed, thresholds held';
    case K6_EXIT.thresholdsCrossed:
      return 'thresholds crossed';
    case K6_EXIT.setupTimeout:
      return 'setup() timed out';
    case K6_EXIT.invalidConfig:
      return 'invalid k6 configuration';
    case K6_EXIT.externalAbort:
      return 'stopped by a signal';
    case K6_EXIT.scriptException:
      return 'script exception';
    case K6_EXIT.scriptAborted:
      return 'test aborted by the script (test.abort)';
    case null:
      return 'killed before it exited';
    default:
      return `engine failed (exit code ${code})`;
  }
}
