import { describe, expect, it } from 'vitest';
import { assignmentKey, chooseStrategy, gridOf, neighbours, search, type Assignment, type SpaceKnob } from './search.js';

/** A deterministic response surface with one known best: maxBatch 16, delay 2 ms, retries on. */
const KNOBS: SpaceKnob[] = [
  { name: 'maxBatch', values: [1, 2, 4, 8, 16, 32] },
  { name: 'maxQueueDelayMs', values: [0, 1, 2, 5, 10] },
  { name: 'gatewayRetries', values: [false, true] },
];
const BEST: Assignment = { maxBatch: 16, maxQueueDelayMs: 2, gatewayRetries: true };
function surface(a: Assignment): number {
  const ib = KNOBS[0].values.indexOf(a.maxBatch);
  const id = KNOBS[1].values.indexOf(a.maxQueueDelayMs);
  return 500 - 20 * (ib - 4) ** 2 - 15 * (id - 2) ** 2 + (a.gatewayRetries ? 30 : 0);
}
const byCount = (n: number) => ({ canEvaluate: (done: number) => done < n });

describe('search on a deterministic synthetic surface', () => {
  it('hill climbing finds the known best of a 60-candidate space within a budget of 20 evaluations', async () => {
    const calls: string[] = [];
    const r = await search({
      knobs: KNOBS,
      start: { maxBatch: 1, maxQueueDelayMs: 0, gatewayRetries: false },
      strategy: 'hill-climb',
      budget: byCount(20),
      evaluate: async (a) => {
        calls.push(assignmentKey(a));
        return { score: surface(a), measurement: null };
      },
    });
    const best = r.evaluated.reduce((x, y) => ((y.score ?? 0) > (x.score ?? 0) ? y : x));
    expect(best.assignment).toEqual(BEST);
    expect(r.evaluated.length).toBeLessThanOrEqual(20);
    expect(new Set(calls).size).toBe(calls.length); // never measures a candidate twice
    expect(calls[0]).toBe(assignmentKey({ maxBatch: 1, maxQueueDelayMs: 0, gatewayRetries: false })); // the default first
  });

  it('hill climbing stops at the budget and says so', async () => {
    const r = await search({ knobs: KNOBS, start: { maxBatch: 1, maxQueueDelayMs: 0, gatewayRetries: false }, strategy: 'hill-climb', budget: byCount(5), evaluate: async (a) => ({ score: surface(a), measurement: null }) });
    expect(r.evaluated).toHaveLength(5);
    expect(r.stop).toBe('budget');
  });

  it('the grid evaluates every candidate of a small space and the best is the known best', async () => {
    const small: SpaceKnob[] = [KNOBS[0], { name: 'gatewayRetries', values: [false, true] }];
    const r = await search({ knobs: small, start: { maxBatch: 32, gatewayRetries: true }, strategy: 'grid', budget: byCount(100), evaluate: async (a) => ({ score: surface({ ...a, maxQueueDelayMs: 2 }), measurement: null }) });
    expect(r.evaluated).toHaveLength(12);
    expect(r.stop).toBe('exhausted');
    expect(r.evaluated[0].assignment).toEqual({ maxBatch: 32, gatewayRetries: true });
    const best = r.evaluated.reduce((x, y) => ((y.score ?? 0) > (x.score ?? 0) ? y : x));
    expect(best.assignment).toEqual({ maxBatch: 16, gatewayRetries: true });
  });

  it('auto picks the grid for small spaces and hill climbing for large ones', () => {
    expect(chooseStrategy([KNOBS[2]], 'auto')).toBe('grid');
    expect(chooseStrategy(KNOBS, 'auto')).toBe('hill-climb');
    expect(chooseStrategy(KNOBS, 'grid')).toBe('grid');
    expect(gridOf(KNOBS)).toHaveLength(60);
  });

  it('neighbours move one value step on one knob', () => {
    const n = neighbours(KNOBS, { maxBatch: 1, maxQueueDelayMs: 2, gatewayRetries: true }).map(assignmentKey);
    expect(n.sort()).toEqual(
      [
        { maxBatch: 2, maxQueueDelayMs: 2, gatewayRetries: true },
        { maxBatch: 1, maxQueueDelayMs: 1, gatewayRetries: true },
        { maxBatch: 1, maxQueueDelayMs: 5, gatewayRetries: true },
        { maxBatch: 1, maxQueueDelayMs: 2, gatewayRetries: false },
      ]
        .map(assignmentKey)
        .sort(),
    );
  });
});
