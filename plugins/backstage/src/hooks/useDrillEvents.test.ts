import { describe, expect, it } from 'vitest';
import { MAX_KEPT_EVENTS, reduceDrillEvent, DrillLiveState } from './useDrillEvents';
import { makeEvent } from '../__fixtures__/controller';

const empty: DrillLiveState = { events: [], phasesSeen: [], ended: false };

describe('reduceDrillEvent', () => {
  it('tracks the current phase, the phases seen, the status, the latest progress and the end', () => {
    const events = [
      makeEvent(1, { type: 'state', data: { status: 'running' } }),
      makeEvent(2, { type: 'phase', phase: 'preflight' }),
      makeEvent(3, { type: 'phase', phase: 'method' }),
      makeEvent(4, { type: 'progress', phase: 'method', data: { elapsedS: 30, remainingS: 90, rps: 19.5 } }),
      makeEvent(5, { type: 'end', phase: 'scorecard', data: { status: 'passed' } }),
    ];
    const state = events.reduce(reduceDrillEvent, empty);
    expect(state.phase).toBe('scorecard');
    expect(state.phasesSeen).toEqual(['preflight', 'method', 'scorecard']);
    expect(state.status).toBe('passed');
    expect(state.progress).toEqual({ elapsedS: 30, remainingS: 90, rps: 19.5 });
    expect(state.ended).toBe(true);
  });

  it('keeps only the newest events of a long drill', () => {
    let state = empty;
    for (let i = 1; i <= MAX_KEPT_EVENTS + 10; i++) state = reduceDrillEvent(state, makeEvent(i));
    expect(state.events).toHaveLength(MAX_KEPT_EVENTS);
    expect(state.events[0].seq).toBe(11);
  });
});
