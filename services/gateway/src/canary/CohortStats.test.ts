import { describe, expect, it } from 'vitest';
import { CohortStats } from './CohortStats.js';

describe('CohortStats', () => {
  it('reports error rate, degraded rate, mean NDCG and p99 of the recorded attempts', () => {
    const stats = new CohortStats(1000);
    for (let i = 1; i <= 100; i++) {
      stats.record({ latencyMs: i, failed: i <= 5, degraded: i > 90, ndcg: i % 2 === 0 ? 0.5 : null });
    }
    expect(stats.figures()).toEqual({ samples: 100, errors: 5, errorRate: 0.05, degradedRate: 0.1, p99Ms: 99, ndcgSamples: 50, meanNdcg: 0.5 });
  });

  it('keeps a bounded sample of latencies and still sees a slow tail', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const stats = new CohortStats(200, random);
    for (let i = 0; i < 10_000; i++) stats.record({ latencyMs: i % 10 === 0 ? 500 : 10, failed: false, degraded: false, ndcg: null });
    const { p99Ms, samples } = stats.figures();
    expect(samples).toBe(10_000);
    expect(p99Ms).toBe(500);
  });

  it('has no p99 and no NDCG before anything was recorded', () => {
    expect(new CohortStats(10).figures()).toMatchObject({ samples: 0, errorRate: 0, p99Ms: null, meanNdcg: null });
  });
});
