import { describe, expect, it } from 'vitest';
import type { ProxyDelay } from '@drillbook/contracts';
import { sampleDelayMs } from './delay.js';

const draws = (d: ProxyDelay, n = 20_000) => Array.from({ length: n }, () => sampleDelayMs(d)).sort((a, b) => a - b);
const q = (xs: number[], p: number) => xs[Math.floor(p * (xs.length - 1))];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('latency distributions', () => {
  it('fixed always adds the same delay', () => {
    expect(new Set(draws({ distribution: 'fixed', ms: 7 }, 100))).toEqual(new Set([7]));
  });
  it('uniform stays within [min, max] and spreads over it', () => {
    const xs = draws({ distribution: 'uniform', minMs: 10, maxMs: 30 });
    expect(xs[0]).toBeGreaterThanOrEqual(10);
    expect(xs.at(-1)).toBeLessThanOrEqual(30);
    expect(q(xs, 0.5)).toBeGreaterThan(19);
    expect(q(xs, 0.5)).toBeLessThan(21);
  });
  it('normal has the given mean and spread, never below zero', () => {
    const xs = draws({ distribution: 'normal', meanMs: 100, stddevMs: 20 });
    expect(mean(xs)).toBeGreaterThan(98);
    expect(mean(xs)).toBeLessThan(102);
    expect(q(xs, 0.8413) - q(xs, 0.5)).toBeGreaterThan(18);
    expect(q(xs, 0.8413) - q(xs, 0.5)).toBeLessThan(22);
    expect(draws({ distribution: 'normal', meanMs: 1, stddevMs: 50 })[0]).toBe(0);
  });
  it('lognormal has the given median and a long right tail', () => {
    const xs = draws({ distribution: 'lognormal', medianMs: 50, sigma: 1 });
    expect(q(xs, 0.5)).toBeGreaterThan(46);
    expect(q(xs, 0.5)).toBeLessThan(54);
    // p99 of a lognormal with sigma 1 is median * e^2.326 ≈ 10.2 × the median.
    expect(q(xs, 0.99) / q(xs, 0.5)).toBeGreaterThan(8);
    expect(q(xs, 0.99) / q(xs, 0.5)).toBeLessThan(13);
  });
  it('exponential has the given mean', () => {
    const xs = draws({ distribution: 'exponential', meanMs: 40 });
    expect(mean(xs)).toBeGreaterThan(38);
    expect(mean(xs)).toBeLessThan(42);
  });
  it('a draw never exceeds the ten-minute cap', () => {
    expect(draws({ distribution: 'lognormal', medianMs: 600_000, sigma: 5 }, 1000).at(-1)).toBe(600_000);
  });
});
