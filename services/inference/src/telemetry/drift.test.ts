import { describe, expect, it } from 'vitest';
import { DriftWindow, klDivergence, psi } from './drift.js';

describe('drift statistics', () => {
  it('gives zero KL and PSI for identical distributions and positive values otherwise', () => {
    expect(klDivergence([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(psi([0.5, 0.5], [0.5, 0.5])).toBe(0);
    expect(klDivergence([0.9, 0.1], [0.5, 0.5])).toBeGreaterThan(0.3);
    expect(psi([0.9, 0.1], [0.5, 0.5])).toBeGreaterThan(0.8);
  });

  it('reads nothing until the window has enough samples', () => {
    const w = new DriftWindow([0.5, 0.5], 200);
    for (let i = 0; i < 50; i++) w.observe(i % 2);
    expect(w.reading()).toBeNull();
  });

  it('forgets old samples: a shift that ends leaves the window once it is refilled', () => {
    const w = new DriftWindow([0.5, 0.5], 100);
    for (let i = 0; i < 100; i++) w.observe(0);
    const shifted = w.reading()!;
    for (let i = 0; i < 100; i++) w.observe(i % 2);
    const back = w.reading()!;
    expect(shifted.psi).toBeGreaterThan(1);
    expect(back.psi).toBeLessThan(0.01);
  });
});
