import { describe, expect, it } from 'vitest';
import { drillRejection, paretoFront, rankCandidates, recommend, type Candidate, type DrillVerdict } from './rank.js';

const cand = (key: string, rps: number, p99: number | null, isDefault = false): Candidate => ({
  key,
  assignment: {},
  isDefault,
  measurement: { compliantRps: rps, p99Ms: p99, steps: [], durationS: 1 },
});

const passed = (runbook: string): DrillVerdict => ({ runbook, status: 'passed', score: 100, statusReason: 'ok', missed: [] });
const failed = (runbook: string): DrillVerdict => ({
  runbook,
  status: 'failed',
  score: 40,
  statusReason: 'missed 1 objective',
  missed: [{ name: 'no failed requests', sli: 'failed_requests', measured: 12, op: '<=', target: 0 }],
});

describe('ranking and the Pareto front', () => {
  it('ranks by SLO-compliant throughput, then by lower p99', () => {
    const r = rankCandidates([cand('a', 200, 90), cand('b', 400, 120), cand('c', 400, 80), cand('d', 0, null)]);
    expect(r.map((c) => [c.key, c.rank])).toEqual([
      ['c', 1],
      ['b', 2],
      ['a', 3],
      ['d', 4],
    ]);
  });

  it('the front holds the candidates no other beats on both throughput and p99', () => {
    const front = paretoFront([cand('fast-slow', 400, 200), cand('slow-quick', 100, 40), cand('dominated', 100, 60), cand('middle', 300, 100), cand('none', 0, null)]);
    expect([...front].sort()).toEqual(['fast-slow', 'middle', 'slow-quick']);
  });
});

describe('rejection by a failed drill', () => {
  it('a throughput winner that fails a drill is rejected naming the objective, and the next one is recommended', () => {
    const ranked = rankCandidates([cand('winner', 500, 100), cand('runner-up', 400, 90), cand('default', 300, 80, true)]);
    for (const c of ranked.slice(0, 2)) {
      c.drills = c.key === 'winner' ? [passed('overload'), failed('replica-loss')] : [passed('overload'), passed('replica-loss')];
      c.rejected = drillRejection(c.drills);
    }
    expect(ranked[0].rejected).toBe('replica-loss failed: missed "no failed requests" (12 > target <= 0)');
    expect(ranked[1].rejected).toBeUndefined();
    expect(recommend(ranked)?.key).toBe('runner-up');
  });

  it('with every finalist rejected there is no recommendation', () => {
    const ranked = rankCandidates([cand('a', 500, 100)]);
    ranked[0].drills = [failed('replica-loss')];
    ranked[0].rejected = drillRejection(ranked[0].drills);
    expect(recommend(ranked)).toBeUndefined();
  });

  it('an aborted drill rejects too, with its reason', () => {
    expect(drillRejection([{ runbook: 'overload', status: 'aborted', score: 0, statusReason: 'guardrail latency runaway', missed: [] }])).toBe('overload aborted: guardrail latency runaway');
  });
});
