/**
 * The stack's one way to stop a child process: SIGCONT (a paused process cannot handle SIGTERM),
 * SIGTERM, then SIGKILL if it has not exited within the grace period. Resolves once it has exited.
 */
import type { ChildProcess } from 'node:child_process';

export const DEFAULT_GRACE_MS = 5_000;

export interface TerminateResult {
  /** How it ended: `exited` on its own after SIGTERM, `killed` by SIGKILL after the grace period, `already` had exited. */
  how: 'exited' | 'killed' | 'already';
  code: number | null;
  signal: NodeJS.Signals | null;
}

const gone = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

export function terminate(child: ChildProcess, graceMs = DEFAULT_GRACE_MS): Promise<TerminateResult> {
  if (gone(child)) return Promise.resolve({ how: 'already', code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, graceMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ how: killed ? 'killed' : 'exited', code, signal });
    });
    child.kill('SIGCONT');
    child.kill('SIGTERM');
  });
}
