import type { DrillState as ContractDrillState } from '@drillbook/contracts';

/**
 * A drill's state as the controller reports it. `inconclusive` (issue 16: the samples could not
 * decide an objective) is being added to `@drillbook/contracts`; until that lands this union
 * carries it, and once it has, the union is the contract's own type.
 */
export type DrillState = ContractDrillState | 'inconclusive';

/** Every state, in the order history filters list them: finished ones first, then live ones. */
export const DRILL_STATES = ['passed', 'failed', 'aborted', 'interrupted', 'invalid', 'inconclusive', 'running', 'queued'] as const satisfies readonly DrillState[];

/** States a drill never leaves: it has a scorecard or a reason, and nothing more will happen. */
export const FINISHED_STATES = ['passed', 'failed', 'aborted', 'interrupted', 'invalid', 'inconclusive'] as const satisfies readonly DrillState[];

export function isDrillState(value: unknown): value is DrillState {
  return typeof value === 'string' && (DRILL_STATES as readonly string[]).includes(value);
}

export function isFinished(state: string): boolean {
  return (FINISHED_STATES as readonly string[]).includes(state);
}

/**
 * How a host colours a state. `passed` is good news and `failed` is bad news about the service;
 * `invalid` and `inconclusive` say nothing about the service (no steady state, a starved load
 * generator, too few samples): a warning, never an error. `aborted`/`interrupted`: someone or
 * something stopped the drill.
 */
export type StateTone = 'success' | 'error' | 'warning' | 'stopped' | 'live' | 'pending' | 'unknown';

export function stateTone(state: string): StateTone {
  switch (state) {
    case 'passed':
      return 'success';
    case 'failed':
      return 'error';
    case 'invalid':
    case 'inconclusive':
      return 'warning';
    case 'aborted':
    case 'interrupted':
      return 'stopped';
    case 'running':
      return 'live';
    case 'queued':
      return 'pending';
    default:
      return 'unknown';
  }
}
