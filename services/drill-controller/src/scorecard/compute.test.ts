import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { scorecardSchema } from '@drillbook/contracts';
import { computeScorecard, credit, recovery } from './compute.js';
import { PHASES, fakeJournal, fakeLoad, fakeRunbook, iso, type PhaseRecipe } from './__fixtures__/factories.js';

const SLO = { name: 'recommend-availability', objective: 0.999, periodDays: 30 };
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validScorecard = ajv.compile(scorecardSchema);

const objectives = fakeRunbook([
  { name: 'no failed requests', sli: 'failed_requests', op: '<=', target: 0, weight: 3 },
  { name: 'p99 during the fault', sli: 'latency_p99_ms', phase: 'fault', op: '<=', target: 250, weight: 2 },
  { name: 'time to recover', sli: 'time_to_recover_s', op: '<=', target: 5, weight: 1 },
]);

describe('scorecard', () => {
  it('passes a drill whose objectives are all met, with a schema-valid scorecard and a score of 100', () => {
    const { load, outcome } = fakeLoad(PHASES());
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: objectives, slo: SLO });
    expect(sc.status).toBe('passed');
    expect(sc.score).toBe(100);
    expect(sc.objectives.every((o) => o.verdict === 'met')).toBe(true);
    expect(sc.timeToRecoverS).toBe(0);
    expect(sc.proof.valid).toBe(true);
    expect(validScorecard(sc), JSON.stringify(validScorecard.errors)).toBe(true);
  });

  it('fails on the objective that was missed and gives partial credit by how far it was missed', () => {
    // Healthy baseline, slow throughout the fault phase (10-30 s).
    const { load, outcome } = fakeLoad(PHASES((t) => ({ ms: t >= 10_000 && t < 30_000 ? 300 : 20 })));
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: objectives, slo: SLO });
    expect(sc.status).toBe('failed');
    const p99 = sc.objectives.find((o) => o.name === 'p99 during the fault')!;
    expect(p99).toMatchObject({ verdict: 'missed', measured: 300 });
    expect(p99.credit).toBeCloseTo(250 / 300, 3);
    expect(p99.contribution).toBeCloseTo((250 / 300) * (2 / 6) * 100, 1);
    expect(p99.explanation).toMatch(/1\.2x the target 250 ms; credit = target \/ measured/);
    expect(sc.statusReason).toMatch(/missed "p99 during the fault" \(300 ms vs <= 250 ms, 95% interval 300 ms-300 ms\)/);
    expect(sc.score).toBeLessThan(100);
    expect(sc.score).toBeGreaterThan(50);
  });

  it('measures time to recover from the fault until availability is back for a sustained window', () => {
    // Errors from t=10s (fault) to t=13s, then healthy.
    const { load, outcome } = fakeLoad(PHASES((t) => ({ ok: !(t >= 10_000 && t < 13_000) })));
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: objectives, slo: SLO });
    expect(sc.timeToRecoverS).toBeGreaterThanOrEqual(3);
    expect(sc.timeToRecoverS).toBeLessThanOrEqual(4.1);
    expect(sc.interruptionS).toBeGreaterThanOrEqual(3);
    expect(sc.interruptionS).toBeLessThanOrEqual(4.1);
    expect(sc.objectives.find((o) => o.sli === 'failed_requests')!.measured).toBe(150);
    expect(sc.recoveryRate).toBe(1);
  });

  it('reports no recovery when the SLI is still broken at the end of the drill', () => {
    const { load, outcome } = fakeLoad(PHASES((t) => ({ ok: t < 10_000 })));
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: objectives, slo: SLO });
    expect(sc.timeToRecoverS).toBeNull();
    expect(sc.recoveryRate).toBe(0);
    const ttr = sc.objectives.find((o) => o.sli === 'time_to_recover_s')!;
    expect(ttr.verdict).toBe('no-data');
    expect(ttr.contribution).toBe(0);
  });

  it('is invalid, not passed, when no evidence shows the fault took effect at the target', () => {
    const { load, outcome } = fakeLoad(PHASES());
    const sc = computeScorecard({ journal: fakeJournal({ faultEvidence: [] }), load, outcome, runbook: objectives, slo: SLO });
    expect(sc.status).toBe('invalid');
    expect(sc.statusReason).toMatch(/no evidence at the target that kill one replica took effect/);
  });

  it('is invalid when the planned load did not arrive (dropped iterations)', () => {
    const { load, outcome } = fakeLoad(PHASES(), { dropped: 12 });
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: objectives, slo: SLO });
    expect(sc.status).toBe('invalid');
    expect(sc.proof.loadDelivered).toMatchObject({ ok: false, droppedIterations: 12 });
  });

  it('is aborted with the reason from the journal when the drill was aborted', () => {
    const { load, outcome } = fakeLoad(PHASES());
    const journal = fakeJournal({ status: 'aborted', abort: { source: 'guardrail', reason: 'error rate >= 0.2 for 5s', at: iso(15_000) } });
    const sc = computeScorecard({ journal, load, outcome, runbook: objectives, slo: SLO });
    expect(sc.status).toBe('aborted');
    expect(sc.abort).toEqual({ source: 'guardrail', reason: 'error rate >= 0.2 for 5s', atS: 15 });
  });

  it('is interrupted when the controller died mid-drill', () => {
    const sc = computeScorecard({ journal: fakeJournal({ status: 'interrupted' }), load: null, outcome: null, runbook: objectives, slo: SLO });
    expect(sc.status).toBe('interrupted');
    expect(validScorecard(sc), JSON.stringify(validScorecard.errors)).toBe(true);
  });

  it('fails when the load thresholds were crossed (k6 exit 99) even if the objectives were met', () => {
    const { load, outcome } = fakeLoad(PHASES(), { thresholdsOk: false });
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: objectives, slo: SLO });
    expect(sc.status).toBe('failed');
    expect(sc.statusReason).toMatch(/load thresholds crossed: http_req_failed rate<0.001/);
  });

  it('computes error budget burned as burn rate x duration / period', () => {
    // 1% errors against a 99.9% objective: burn rate 10, over 40 s of a 30-day period.
    const { load, outcome } = fakeLoad(PHASES((t) => ({ ok: Math.floor(t / 20) % 100 !== 0 })));
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: objectives, slo: SLO });
    expect(sc.errorBudget.burnRate).toBeCloseTo(10, 0);
    expect(sc.errorBudget.consumed).toBeCloseTo((10 * 40) / (30 * 86400), 6);
  });

  it('compares ranking quality on the same queries when the load says which request is which', () => {
    // The n-th request of every phase is the same held-out query; queries past the baseline's 100 are
    // harder ones. The model is the same throughout, so quality has not changed.
    const quality = (_t: number, i: number) => ({ ndcg: i < 100 ? 0.3 : 0.1 });
    const phases: PhaseRecipe[] = [
      { phase: 'baseline', durationS: 10, rate: 10, at: quality },
      { phase: 'fault', durationS: 10, rate: 10, at: quality },
      { phase: 'recovery', durationS: 20, rate: 10, at: quality },
    ];
    const rb = fakeRunbook([{ name: 'quality restored', sli: 'ndcg_ratio', phase: 'recovery', op: '>=', target: 0.95 }]);
    const paired = computeScorecard({ journal: fakeJournal(), ...fakeLoad(phases, { indexed: true }), runbook: rb, slo: SLO });
    expect(paired.quality.ndcgRatio).toBe(1);
    expect(paired.objectives[0]).toMatchObject({ measured: 1, verdict: 'met' });
    // Without request numbers the phases' means are all there is, and the harder extra queries read as a loss.
    const unpaired = computeScorecard({ journal: fakeJournal(), ...fakeLoad(phases), runbook: rb, slo: SLO });
    expect(unpaired.objectives[0]).toMatchObject({ measured: 0.6667, verdict: 'missed' });
  });

  it('reports ranking quality during the drill against the healthy baseline', () => {
    const { load, outcome } = fakeLoad(PHASES((t) => ({ ndcg: t >= 10_000 && t < 30_000 ? 0.15 : 0.3 })));
    const rb = fakeRunbook([{ name: 'quality holds', sli: 'ndcg_ratio', op: '>=', target: 0.9 }]);
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: rb, slo: SLO });
    expect(sc.quality).toMatchObject({ baselineNdcg10: 0.3, drillNdcg10: 0.15, ndcgRatio: 0.5 });
    expect(sc.objectives[0]).toMatchObject({ verdict: 'missed', measured: 0.5 });
    expect(sc.objectives[0].credit).toBeCloseTo(0.5 / 0.9, 3);
  });

  it('scores a probe objective from the probe step outcome', () => {
    const { load, outcome } = fakeLoad(PHASES());
    const rb = fakeRunbook([{ name: 're-admitted', sli: 'probe', probe: 'replica re-admitted', op: '>=', target: 1 }]);
    const act = (status: 'succeeded' | 'failed') => ({ id: 'method.1', name: 'replica re-admitted', kind: 'probe.metrics' as const, phase: 'method' as const, status, start: iso(30_000), end: iso(31_000) });
    expect(computeScorecard({ journal: fakeJournal({ activities: [act('succeeded')] }), load, outcome, runbook: rb, slo: SLO }).objectives[0].verdict).toBe('met');
    expect(computeScorecard({ journal: fakeJournal({ activities: [act('failed')] }), load, outcome, runbook: rb, slo: SLO }).objectives[0]).toMatchObject({ verdict: 'missed', credit: 0 });
  });
});

describe('partial credit', () => {
  it.each([
    [{ sli: 'latency_p99_ms', op: '<=', target: 250 }, 500, 0.5],
    [{ sli: 'availability', op: '>=', target: 0.999 }, 0.99, 0.1],
    [{ sli: 'failed_requests', op: '<=', target: 0 }, 1, 0.5],
    [{ sli: 'failed_requests', op: '<=', target: 0 }, 9, 0.1],
    [{ sli: 'ndcg_ratio', op: '>=', target: 0.9 }, 0.45, 0.5],
  ] as const)('gives %o measured %d a credit of %d', (o, m, c) => {
    expect(credit(o, m).credit).toBeCloseTo(c, 5);
  });

  it('never exceeds full credit however well a target is beaten', () => {
    expect(credit({ sli: 'latency_p99_ms', op: '<=', target: 250 }, 1).credit).toBe(1);
    expect(credit({ sli: 'availability', op: '>=', target: 0.9 }, 1).credit).toBe(1);
  });
});

describe('recovery windows', () => {
  it('sees no impact and no interruption for a healthy run', () => {
    const samples = Array.from({ length: 100 }, (_, i) => ({ t: i * 100, ms: 10, ok: true, degraded: false, ndcg: null, phase: 'fault' as const }));
    expect(recovery(samples, 0, 10_000, { availability: 0.999, p99Ms: 250 }, 2000)).toEqual({ ttrS: 0, interruptionS: 0, impacted: false });
  });
});
