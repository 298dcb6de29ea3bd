import type { CanaryCohortFigures } from '@drillbook/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CANARY } from '../config.js';
import { analyseCanary } from './analysis.js';

const cfg = { ...DEFAULT_CANARY, minSamples: 100, minGroundTruthSamples: 30 };

function cohort(overrides: Partial<CanaryCohortFigures> = {}): CanaryCohortFigures {
  return { samples: 200, errors: 0, errorRate: 0, degradedRate: 0, p99Ms: 40, ndcgSamples: 100, meanNdcg: 0.6, ...overrides };
}

describe('analyseCanary', () => {
  it('waits until both cohorts have the minimum sample', () => {
    const verdict = analyseCanary(cohort(), cohort({ samples: 20 }), cfg);
    expect(verdict.decision).toBe('wait');
    expect(verdict.waitingFor).toEqual(['candidate samples 20/100']);
  });

  it('promotes a candidate that matches the baseline on every criterion', () => {
    const verdict = analyseCanary(cohort(), cohort({ p99Ms: 42, meanNdcg: 0.61 }), cfg);
    expect(verdict.decision).toBe('promote');
    expect(verdict.reasons.join('\n')).toMatch(/ok error rate 0\.0% vs baseline 0\.0%/);
    expect(verdict.reasons.join('\n')).toMatch(/ok served NDCG@10 0\.610 vs baseline 0\.600/);
  });

  it('rolls back a candidate whose error rate is higher than allowed', () => {
    const verdict = analyseCanary(cohort({ errorRate: 0.01 }), cohort({ errorRate: 0.2, errors: 40 }), cfg);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons[0]).toBe('FAILED error rate 20.0% vs baseline 1.0% (allowed +2.0%)');
  });

  it('rolls back a candidate that answers degraded more often than the baseline', () => {
    const verdict = analyseCanary(cohort(), cohort({ degradedRate: 0.5 }), cfg);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons[0]).toMatch(/^FAILED degraded rate 50\.0%/);
  });

  it('rolls back a candidate whose p99 is beyond the allowed ratio and the noise floor', () => {
    const verdict = analyseCanary(cohort({ p99Ms: 40 }), cohort({ p99Ms: 120 }), cfg);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons[0]).toMatch(/^FAILED p99 latency 120\.0 ms vs baseline 40\.0 ms/);
  });

  it('does not hold a small absolute latency difference against the candidate', () => {
    // 3 ms vs 1 ms is three times slower but below the 25 ms noise floor.
    expect(analyseCanary(cohort({ p99Ms: 1 }), cohort({ p99Ms: 3 }), cfg).decision).toBe('promote');
  });

  it('rolls back a candidate that ranks worse on served NDCG@10', () => {
    const verdict = analyseCanary(cohort({ meanNdcg: 0.6 }), cohort({ meanNdcg: 0.2 }), cfg);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons[0]).toMatch(/^FAILED served NDCG@10 0\.200 vs baseline 0\.600/);
  });

  it('waits for enough ground-truth samples once ground truth is flowing', () => {
    const verdict = analyseCanary(cohort(), cohort({ ndcgSamples: 5, meanNdcg: 0.1 }), cfg);
    expect(verdict.decision).toBe('wait');
    expect(verdict.waitingFor[0]).toMatch(/ground-truth samples/);
  });

  it('decides without NDCG when no request carried ground truth, and says so', () => {
    const none = { ndcgSamples: 0, meanNdcg: null };
    const verdict = analyseCanary(cohort(none), cohort(none), cfg);
    expect(verdict.decision).toBe('promote');
    expect(verdict.reasons).toContain('ok served NDCG@10 not judged: no request carried x-ground-truth');
  });
});
