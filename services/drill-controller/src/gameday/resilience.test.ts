import { describe, expect, it } from 'vitest';
import { resilienceScore } from './resilience.js';

const now = Date.parse('2026-12-31T00:00:00Z');
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

describe('resilienceScore', () => {
  it("halves a runbook's weight after 30 days without a run, so a stale service's score decays", () => {
    const fresh = resilienceScore('svc', [{ runbook: 'a', score: 80, status: 'passed', endedAt: daysAgo(0) }], now, 30);
    const stale = resilienceScore('svc', [{ runbook: 'a', score: 80, status: 'passed', endedAt: daysAgo(30) }], now, 30);
    expect(fresh.score).toBe(80);
    expect(stale.runbooks[0]!.weight).toBeCloseTo(0.5, 4);
    expect(stale.score).toBe(40);
    expect(resilienceScore('svc', [{ runbook: 'a', score: 80, status: 'passed', endedAt: daysAgo(60) }], now, 30).score).toBe(20);
  });

  it("uses each runbook's latest verdict, ignores aborted drills and is null without any", () => {
    const s = resilienceScore(
      'svc',
      [
        { runbook: 'a', score: 20, status: 'failed', endedAt: daysAgo(5) },
        { runbook: 'a', score: 100, status: 'passed', endedAt: daysAgo(1) },
        { runbook: 'b', score: 0, status: 'aborted', endedAt: daysAgo(0) },
      ],
      now,
      30,
    );
    expect(s.runbooks.map((r) => r.runbook)).toEqual(['a']);
    expect(s.score).toBeCloseTo(97.7, 1);
    expect(resilienceScore('svc', [], now, 30).score).toBeNull();
  });
});
