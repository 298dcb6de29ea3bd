import { describe, expect, it } from 'vitest';
import type { ObjectiveResult, Scorecard } from '@drillbook/contracts';
import { compareWithHistory } from './regression.js';

const rules = { history: 5, scoreDrop: 10, worseRatio: 0.25 };
const objective = (name: string, verdict: ObjectiveResult['verdict'], measured: number): ObjectiveResult =>
  ({ name, sli: 'failed_requests', phase: 'drill', op: '<=', target: 0, measured, unit: 'count', verdict, weight: 1, credit: verdict === 'met' ? 1 : 0, contribution: 0 }) as unknown as ObjectiveResult;

function card(id: string, endedAt: string, over: Partial<Scorecard> = {}): Scorecard {
  return {
    drillId: id, runbook: { name: 'one-replica-fails', title: 't', sha256: 'x' }, service: 'recsys-reference', status: 'passed', score: 95, endedAt, timeToRecoverS: 4,
    errorBudget: { consumed: 0.001 }, objectives: [objective('no failed requests', 'met', 0)], ...over,
  } as unknown as Scorecard;
}

const history = [card('a', '2026-12-01T10:00:00Z', { score: 96 }), card('b', '2026-12-02T10:00:00Z', { score: 94 }), card('c', '2026-12-03T10:00:00Z', { score: 95, status: 'failed' })];

describe('compareWithHistory', () => {
  it('flags a run with a score drop, a newly missed objective and a worse recovery, naming each reason', () => {
    const mutated = card('m', '2026-12-04T10:00:00Z', { status: 'failed', score: 40, timeToRecoverS: 20, objectives: [objective('no failed requests', 'missed', 37)] });
    const r = compareWithHistory(mutated, history, rules);
    expect(r.regressed).toBe(true);
    expect(r.comparedWith).toEqual(['b', 'a']); // passed history only, newest first
    expect(r.reasons.join('\n')).toMatch(/score 40 is 55 below the recent median 95/);
    expect(r.reasons.join('\n')).toMatch(/objective "no failed requests" is newly missed/);
    expect(r.reasons.join('\n')).toMatch(/time to recover 20 s is more than 25% above the recent median 4 s/);
  });

  it('does not flag a run within tolerance, nor a first run with no history', () => {
    expect(compareWithHistory(card('n', '2026-12-04T10:00:00Z', { score: 88, timeToRecoverS: 4.5 }), history, rules)).toMatchObject({ regressed: false, reasons: [] });
    expect(compareWithHistory(card('first', '2026-12-04T10:00:00Z', { score: 10 }), [], rules)).toMatchObject({ regressed: false, comparedWith: [] });
  });
});
