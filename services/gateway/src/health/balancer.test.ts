import { describe, expect, it } from 'vitest';
import { fakePool } from '../__fixtures__/fakes.js';
import { pickLeastOutstanding, pickP2C } from './balancer.js';

function sequence(...values: number[]) {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('balancers', () => {
  it('power of two choices takes the less loaded of the two it draws', () => {
    const { pool } = fakePool(3);
    const [r1, r2, r3] = pool.all;
    r1.inFlight = 5;
    r2.inFlight = 1;
    r3.inFlight = 0;
    // Draws r1 (index 0), then r2 (the first of the two others).
    expect(pickP2C(pool.all, sequence(0, 0.4))).toBe(r2);
  });

  it('power of two choices never draws the same upstream twice', () => {
    const { pool } = fakePool(2);
    const [r1, r2] = pool.all;
    r1.inFlight = 3;
    expect(pickP2C(pool.all, sequence(0, 0))).toBe(r2);
  });

  it('least outstanding takes the upstream with the fewest requests in flight', () => {
    const { pool } = fakePool(3);
    const [r1, r2, r3] = pool.all;
    r1.inFlight = 2;
    r2.inFlight = 0;
    r3.inFlight = 1;
    expect(pickLeastOutstanding(pool.all, Math.random)).toBe(r2);
  });

  it('spreads requests across equally loaded upstreams', () => {
    const { pool } = fakePool(3);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(pickLeastOutstanding(pool.all, Math.random)!.id);
    expect(seen.size).toBe(3);
  });
});

describe('UpstreamPool.pick', () => {
  it('skips the upstream already tried, and answers null when none is left', () => {
    const { pool } = fakePool(2);
    const [r1, r2] = pool.all;
    expect(pool.pick(r1)).toBe(r2);
    r2.markDown('gone');
    expect(pool.pick(r1)).toBeNull();
  });

  it('prefers the upstreams a canary cohort asks for, and falls back to any eligible one', () => {
    const { pool } = fakePool(3);
    const [, , r3] = pool.all;
    for (let i = 0; i < 20; i++) expect(pool.pick(null, (u) => u === r3)).toBe(r3);
    r3.markDown('gone');
    expect(pool.pick(null, (u) => u === r3)).not.toBeNull();
  });

  it('keeps the state of an upstream that stays in a replaced list and starts new ones down', () => {
    const { pool } = fakePool(2);
    const [r1] = pool.all;
    r1.totalEjections = 4;
    pool.replace([r1.config, { id: 'r9', url: 'http://127.0.0.1:9999', zone: 'zone-c' }]);
    expect(pool.all.map((u) => u.id)).toEqual(['r1', 'r9']);
    expect(pool.get('r1')).toBe(r1);
    expect(pool.get('r9')!.ready).toBe(false);
  });
});
