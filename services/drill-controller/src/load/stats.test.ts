import { describe, expect, it } from 'vitest';
import { CounterSink, percentile, RateSink, TrendSink } from './stats.js';

describe('k6 aggregation rules', () => {
  it('interpolates percentiles between the closest ranks, as k6’s trend sink does', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // i = 0.99 * 9 = 8.91 -> 9 + 0.91 * (10 - 9)
    expect(percentile(values, 0.99)).toBeCloseTo(9.91, 12);
    expect(percentile(values, 0.5)).toBe(5.5);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.99)).toBeNull();
  });

  it('writes the summary values of a trend for every requested stat, including p(99) and count', () => {
    const t = new TrendSink();
    for (const v of [5, 1, 3, 2, 4]) t.add(v);
    expect(t.summaryValues(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'])).toEqual({
      avg: 3,
      min: 1,
      med: 3,
      max: 5,
      'p(90)': 4.6,
      'p(95)': 4.8,
      'p(99)': expect.closeTo(4.96, 12),
      count: 5,
    });
  });

  it('keeps every value when it grows past its initial capacity', () => {
    const t = new TrendSink();
    for (let i = 5000; i > 0; i--) t.add(i);
    expect(t.count).toBe(5000);
    expect(t.percentile(0)).toBe(1);
    expect(t.percentile(1)).toBe(5000);
  });

  it('reports a rate as the share of non-zero samples with passes and fails, and a counter per second of run', () => {
    const r = new RateSink();
    [true, false, false, true].forEach((x) => r.add(x));
    expect(r.summaryValues()).toEqual({ rate: 0.5, passes: 2, fails: 2 });
    const c = new CounterSink();
    c.add(30);
    expect(c.summaryValues(15_000)).toEqual({ count: 30, rate: 2 });
  });
});
