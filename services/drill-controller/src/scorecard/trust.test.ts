/**
 * Verdicts you can trust: a drill fails only when the service failed. Each rule on a fabricated
 * load result, so the figures that decide are exact: steady state first, a starved generator or host
 * is `invalid`, a percentile the samples cannot decide is `inconclusive`, and a service that truly
 * broke under the fault still `failed` under the same conditions.
 */
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { scorecardSchema } from '@drillbook/contracts';
import { computeScorecard } from './compute.js';
import { percentileInterval, samplesToDecide } from './steps/confidence.js';
import { PHASES, fakeJournal, fakeLoad, fakeRunbook } from './__fixtures__/factories.js';
import { credit } from './steps/objectives.js';
import { lagLimitMs, steadyStateChecks } from './steps/trust.js';

const SLO = { name: 'recsys-reference-availability', objective: 0.999, periodDays: 30 };
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validScorecard = ajv.compile(scorecardSchema);

const runbook = fakeRunbook([
  { name: 'availability during the fault', sli: 'availability', phase: 'fault', op: '>=', target: 0.99, weight: 2 },
  { name: 'p99 during the fault', sli: 'latency_p99_ms', phase: 'fault', op: '<=', target: 250, weight: 2 },
  { name: 'time to recover', sli: 'time_to_recover_s', op: '<=', target: 5, weight: 1 },
]);
const inFault = (t: number) => t >= 10_000 && t < 30_000;
const score = (l: ReturnType<typeof fakeLoad>, rb = runbook) => computeScorecard({ journal: fakeJournal(), load: l.load, outcome: l.outcome, runbook: rb, slo: SLO, quick: true });

describe('steady state first', () => {
  it('is invalid, not failed, when the target was already too slow in the baseline, with the figures', () => {
    const sc = score(fakeLoad(PHASES(() => ({ ms: 300 }))));
    expect(sc.status).toBe('invalid');
    expect(sc.steadyState.established).toBe(false);
    expect(sc.statusReason).toBe('steady state not established: baseline p99 300 ms vs <= 250 ms');
    expect(validScorecard(sc), JSON.stringify(validScorecard.errors)).toBe(true);
  });

  it('is invalid when the baseline was already failing requests', () => {
    const sc = score(fakeLoad(PHASES((t, i) => ({ ok: i % 10 !== 0 }))));
    expect(sc.status).toBe('invalid');
    expect(sc.statusReason).toMatch(/^steady state not established: baseline availability 90% vs >= 99%/);
  });

  it('fails a target that truly breaks under the fault, after a healthy baseline', () => {
    const sc = score(fakeLoad(PHASES((t) => ({ ms: inFault(t) ? 400 : 20 }))));
    expect(sc.steadyState).toMatchObject({ established: true });
    expect(sc.steadyState.reason).toMatch(/baseline p99 20 ms vs <= 250 ms/);
    expect(sc.status).toBe('failed');
    expect(sc.objectives.find((o) => o.sli === 'latency_p99_ms')).toMatchObject({ verdict: 'missed', interval: [400, 400] });
  });

  it('lets an objective opt out of the steady state explicitly', () => {
    const rb = fakeRunbook([{ name: 'p99 during the fault', sli: 'latency_p99_ms', phase: 'fault', op: '<=', target: 250, steadyState: false }]);
    expect(steadyStateChecks(rb)).toEqual([]);
    const sc = score(fakeLoad(PHASES(() => ({ ms: 300 }))), rb);
    expect(sc.steadyState.established).toBe(true);
    expect(sc.status).toBe('failed');
  });
});

describe('generator health', () => {
  it('is invalid, not failed, when the generator was late by more than a tenth of the tightest latency target', () => {
    // The same slow fault phase that fails above, but the generator's own send lag was 60 ms p99.
    const sc = score(fakeLoad(PHASES((t) => ({ ms: inFault(t) ? 400 : 20 })), { schedLagP99Ms: 60 }));
    expect(sc.status).toBe('invalid');
    expect(sc.load.generator).toMatchObject({ saturated: true, schedLagP99Ms: 60 });
    expect(sc.statusReason).toMatch(/^load generator saturated: baseline: send lag p99 60 ms > 25 ms/);
    expect(validScorecard(sc), JSON.stringify(validScorecard.errors)).toBe(true);
  });

  it('lets a pass stand when the generator lagged, since its lag only adds to the latency measured', () => {
    const sc = score(fakeLoad(PHASES(), { schedLagP99Ms: 60 }));
    expect(sc.load.generator.saturated).toBe(true);
    expect(sc.status).toBe('passed');
    expect(sc.statusReason).toMatch(/although the load generator fell behind \(baseline: send lag p99 60 ms/);
  });

  it('keeps the verdict when the generator kept up, and reports its lag and the host CPU per phase', () => {
    const hostCpu = [
      { phase: 'baseline' as const, busy: 0.4, steal: 0 },
      { phase: 'fault' as const, busy: 0.93, steal: 0.01 },
      { phase: 'recovery' as const, busy: 0.5, steal: 0 },
    ];
    const sc = score(fakeLoad(PHASES(), { schedLagP99Ms: 3, hostCpu }));
    expect(sc.status).toBe('passed');
    expect(sc.load.generator).toMatchObject({ saturated: false, schedLagP99Ms: 3, hostCpuBusy: 0.93, droppedIterations: 0 });
    expect(sc.load.generator.phases.map((p) => p.hostCpuBusy)).toEqual([0.4, 0.93, 0.5]);
  });

  it('is invalid when the hypervisor stole more than a tenth of the host CPU in a scored phase', () => {
    const hostCpu = [{ phase: 'fault' as const, busy: 0.9, steal: 0.25 }];
    const sc = score(fakeLoad(PHASES((t) => ({ ms: inFault(t) ? 400 : 20 })), { hostCpu }));
    expect(sc.status).toBe('invalid');
    expect(sc.statusReason).toMatch(/fault: 25% of the host's CPU stolen/);
  });

  it('derives the lag limit from the tightest latency objective', () => {
    expect(lagLimitMs(runbook)).toBe(25);
    expect(lagLimitMs(fakeRunbook([{ name: 'a', sli: 'availability', op: '>=', target: 0.99 }]))).toBe(1000);
  });
});

describe('confidence', () => {
  it('calls a p99 from a few hundred requests inconclusive when its interval straddles the target', () => {
    // Fault phase: 1000 requests, 1.2% of them at 300 ms: the p99 is 300 ms, but the interval reaches
    // below 250 ms, so the samples cannot say the 99th percentile is above the target.
    const rb = fakeRunbook([runbook.objectives[0], runbook.objectives[1]]);
    const sc = score(fakeLoad(PHASES((t, i) => ({ ms: inFault(t) && i % 83 === 0 ? 300 : 20 }))), rb);
    const p99 = sc.objectives.find((o) => o.sli === 'latency_p99_ms')!;
    expect(p99.measured).toBe(300);
    expect(p99.verdict).toBe('inconclusive');
    expect(p99.interval![0]).toBeLessThanOrEqual(250);
    expect(p99.requestsToDecide).toBeGreaterThan(1000);
    expect(sc.status).toBe('inconclusive');
    expect(sc.statusReason).toMatch(/no objective missed, but the samples cannot decide "p99 during the fault"/);
    // Scored on the point estimate: partial credit, as the report says.
    expect(p99.credit).toBeCloseTo(250 / 300, 3);
    expect(sc.score).toBeLessThan(100);
    expect(validScorecard(sc), JSON.stringify(validScorecard.errors)).toBe(true);
  });

  it('order-statistic interval: tight for many samples, open at the top for few', () => {
    const many = Float64Array.from({ length: 100_000 }, (_, i) => i);
    const iv = percentileInterval(many, 0.99);
    expect(iv.low).toBeGreaterThan(98_900);
    expect(iv.high).toBeLessThan(99_100);
    expect(iv.highOpen).toBe(false);
    const few = Float64Array.from({ length: 350 }, (_, i) => i);
    expect(percentileInterval(few, 0.99)).toMatchObject({ high: 349, highOpen: true });
    expect(samplesToDecide(few, 0.99, 300)).toBeGreaterThan(0);
  });

  it('never credits a non-finite target or measurement', () => {
    expect(credit({ sli: 'availability', op: '>=', target: Number.NaN }, 1).credit).toBe(0);
    expect(credit({ sli: 'latency_p99_ms', op: '<=', target: Infinity }, 20).credit).toBe(0);
    expect(credit({ sli: 'latency_p99_ms', op: '<=', target: 250 }, Number.NaN)).toMatchObject({ credit: 0, explanation: expect.stringMatching(/not a finite number/) });
    const rb = fakeRunbook([{ name: 'nan target', sli: 'availability', op: '>=', target: Number.NaN }]);
    const sc = score(fakeLoad(PHASES()), rb);
    expect(sc.status).not.toBe('passed');
    expect(sc.score).toBe(0);
  });
});
