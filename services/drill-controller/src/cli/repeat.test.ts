import { describe, expect, it } from 'vitest';
import { computeScorecard } from '../scorecard/compute.js';
import { PHASES, fakeJournal, fakeLoad, fakeRunbook } from '../scorecard/__fixtures__/factories.js';
import { formatRepeat, repeatExitCode, summarizeRepeats } from './repeat.js';

const SLO = { name: 'x', objective: 0.999, periodDays: 30 };
const rb = fakeRunbook([{ name: 'p99 during the fault', sli: 'latency_p99_ms', phase: 'fault', op: '<=', target: 250 }]);
const run = (faultMs: number) => {
  const { load, outcome } = fakeLoad(PHASES((t) => ({ ms: t >= 10_000 && t < 30_000 ? faultMs : 20 })));
  return computeScorecard({ journal: fakeJournal(), load, outcome, runbook: rb, slo: SLO });
};

describe('repeated runs', () => {
  it('reports the majority verdict, how often it agreed, and each objective as a distribution', () => {
    const s = summarizeRepeats('replica-loss', [
      { dir: 'run-1', scorecard: run(40) },
      { dir: 'run-2', scorecard: run(300) },
      { dir: 'run-3', scorecard: run(60) },
    ]);
    expect(s.statuses).toEqual({ passed: 2, failed: 1 });
    expect(s.majority).toBe('passed');
    expect(s.verdictAgreement).toBeCloseTo(2 / 3, 3);
    expect(s.flips).toBe(true);
    expect(s.objectives[0].measured).toMatchObject({ min: 40, median: 60, max: 300, values: [40, 300, 60] });
    expect(s.objectives[0].verdicts).toEqual({ met: 2, missed: 1 });
    expect(formatRepeat(s)).toMatch(/verdict agreement 67% — the verdict FLIPS between runs/);
    expect(repeatExitCode(s)).toBe(2);
  });

  it('breaks a tie toward the less favourable verdict and exits 1 when most runs failed', () => {
    const tie = summarizeRepeats('r', [
      { dir: 'a', scorecard: run(40) },
      { dir: 'b', scorecard: run(300) },
    ]);
    expect(tie.majority).toBe('failed');
    expect(repeatExitCode(tie)).toBe(1);
    const same = summarizeRepeats('r', [
      { dir: 'a', scorecard: run(40) },
      { dir: 'b', scorecard: run(30) },
    ]);
    expect(same).toMatchObject({ verdictAgreement: 1, flips: false, majority: 'passed' });
    expect(repeatExitCode(same)).toBe(0);
  });
});
