import { describe, expect, it } from 'vitest';
import { DRILL_STATES, FINISHED_STATES, isFinished, stateTone } from './states.js';

describe('drill states', () => {
  it('counts inconclusive as finished, like invalid, and lists it for history filters', () => {
    expect(isFinished('inconclusive')).toBe(true);
    expect(isFinished('invalid')).toBe(true);
    expect(isFinished('running')).toBe(false);
    expect(isFinished('queued')).toBe(false);
    expect(DRILL_STATES).toContain('inconclusive');
    expect(FINISHED_STATES.every((s) => (DRILL_STATES as readonly string[]).includes(s))).toBe(true);
  });

  it('colours invalid and inconclusive as warnings, never as a failure of the service', () => {
    expect(stateTone('inconclusive')).toBe('warning');
    expect(stateTone('invalid')).toBe('warning');
    expect(stateTone('failed')).toBe('error');
    expect(stateTone('passed')).toBe('success');
    expect(stateTone('something-new')).toBe('unknown');
  });
});
