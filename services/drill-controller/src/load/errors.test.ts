import { describe, expect, it } from 'vitest';
import { DrillError } from '../errors.js';
import { InvalidLoadPlan, LoadEngineUnavailable, LoadError, LoadOutputError } from './errors.js';
import { chooseEngine } from './startLoad.js';

describe('load errors', () => {
  it("derive from the controller's one error root and carry their class name", () => {
    const errors = [new InvalidLoadPlan('phases[0].rate', 'a positive number'), new LoadEngineUnavailable('k6 is not on PATH'), new LoadOutputError('summary.json', 'missing')];
    for (const e of errors) {
      expect(e).toBeInstanceOf(LoadError);
      expect(e).toBeInstanceOf(DrillError);
    }
    expect(errors.map((e) => e.name)).toEqual(['InvalidLoadPlan', 'LoadEngineUnavailable', 'LoadOutputError']);
    expect(String(errors[0])).toBe('InvalidLoadPlan: load plan: phases[0].rate: expected a positive number');
  });

  it('reach a caller that catches DrillError, as the CLI and the controller do', () => {
    let caught: unknown;
    try {
      chooseEngine('k6', undefined, '/usr/bin/k6-that-exists-for-this-check');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DrillError);
    expect((caught as Error).name).toBe('InvalidLoadPlan');
    expect((caught as InvalidLoadPlan).field).toBe('scenario');
  });
});
