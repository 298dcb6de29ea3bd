/**
 * Service-reported SLIs in the scorecard: the configured PromQL is templated per phase and evaluated
 * at each phase end, recorded with its source, and judges `sli: promql` objectives; with no
 * Prometheus or no sample the objective is `no-data` (never `missed`) and the drill is scored on the
 * load-measured objectives as before. Prometheus is a recording fake here; serviceSlis.int.test.ts
 * runs the same path on a real one.
 */
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { scorecardSchema } from '@drillbook/contracts';
import type { PromqlSli } from '../catalogue/promqlSlis.js';
import { renderReport } from '../report/html.js';
import { computeScorecard } from './compute.js';
import { evaluateServiceSlis, windowOf, type InstantQuerier } from './serviceSlis.js';
import { PHASES, T0, fakeJournal, fakeLoad, fakeRunbook, iso } from './__fixtures__/factories.js';

const SLO = { name: 'recommend-availability', objective: 0.999, periodDays: 30 };
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validScorecard = ajv.compile(scorecardSchema);

const TRITON: PromqlSli = {
  name: 'triton-errors',
  title: 'Triton failed inferences',
  sli: 'availability',
  objective: 0.99,
  period: '30d',
  errorRatio: 'sum(rate(nv_inference_request_failure[{{.window}}])) / (sum(rate(nv_inference_request_success[{{.window}}])) + sum(rate(nv_inference_request_failure[{{.window}}])))',
};

/** A Prometheus stand-in: answers by the evaluation time, records every (query, time). */
function fakeProm(answer: (at: number, query: string) => number[] | Error): InstantQuerier & { asked: Array<{ query: string; at: number }> } {
  const asked: Array<{ query: string; at: number }> = [];
  return {
    asked,
    async query(query, at) {
      const t = at!.getTime();
      asked.push({ query, at: t });
      const a = answer(t, query);
      if (a instanceof Error) throw a;
      return a.map((value) => ({ value }));
    },
  };
}

// PHASES(): baseline 0-10 s, fault 10-30 s, recovery 30-40 s; the whole drill is the 40s window.
const perPhase = (v: { baseline: number; fault: number; recovery: number; drill: number }) => (at: number, q: string) =>
  q.includes('[40s]') ? [v.drill] : at === T0 + 10_000 ? [v.baseline] : at === T0 + 30_000 ? [v.fault] : [v.recovery];
const FAULTY = perPhase({ baseline: 0, fault: 0.3, recovery: 0.001, drill: 0.1 });

async function scorecardWith(objectives: Parameters<typeof fakeRunbook>[0], querier: InstantQuerier | undefined, opts: { url?: string } = { url: 'http://prom.test:9090' }) {
  const { load, outcome } = fakeLoad(PHASES());
  const serviceSlis = await evaluateServiceSlis({ slis: [TRITON], prometheusUrl: opts.url, windows: outcome.windows, origin: T0, querier });
  return computeScorecard({ journal: fakeJournal(), load, outcome, runbook: fakeRunbook(objectives), slo: SLO, serviceSlis });
}

describe('service-reported SLIs (configured PromQL) in the scorecard', () => {
  it('sets {{.window}} to each phase length and evaluates at the phase end, then over the whole drill', async () => {
    const prom = fakeProm(() => [0]);
    const [sli] = await evaluateServiceSlis({ slis: [TRITON], prometheusUrl: 'http://prom.test:9090', windows: fakeLoad(PHASES()).outcome.windows, origin: T0, querier: prom });
    expect(sli.windows.map((w) => [w.phase, w.window, w.at, w.startS, w.endS])).toEqual([
      ['baseline', '10s', iso(10_000), 0, 10],
      ['fault', '20s', iso(30_000), 10, 30],
      ['recovery', '10s', iso(40_000), 30, 40],
      ['drill', '40s', iso(40_000), 0, 40],
    ]);
    const fault = prom.asked.find((a) => a.at === T0 + 30_000)!;
    expect(fault.query).toBe('sum(rate(nv_inference_request_failure[20s])) / (sum(rate(nv_inference_request_success[20s])) + sum(rate(nv_inference_request_failure[20s])))');
    expect(fault.query).not.toMatch(/\{\{/);
    expect(sli.source).toBe(`promql: ${TRITON.errorRatio}`);
    expect(sli.prometheusUrl).toBe('http://prom.test:9090');
    expect(sli.note).toBeNull();
  });

  it('rounds a window to whole seconds and never below 1s', () => {
    expect(windowOf(0, 12_400)).toBe('12s');
    expect(windowOf(0, 200)).toBe('1s');
  });

  it('judges an objective on the service metrics of its phase and names the query and Prometheus as its source', async () => {
    const prom = fakeProm(FAULTY);
    const sc = await scorecardWith(
      [
        { name: 'Triton errors in the fault', sli: 'promql', promql: 'triton-errors', phase: 'fault', op: '<=', target: 0.05 },
        { name: 'Triton errors after', sli: 'promql', promql: 'triton-errors', phase: 'recovery', op: '<=', target: 0.01 },
        { name: 'no failed requests (load)', sli: 'failed_requests', op: '<=', target: 0 },
      ],
      prom,
    );
    const fault = sc.objectives[0];
    expect(fault).toMatchObject({ verdict: 'missed', measured: 0.3, unit: 'ratio', promql: 'triton-errors' });
    expect(fault.source).toContain('promql: sum(rate(nv_inference_request_failure[20s]))');
    expect(fault.source).toContain('@ http://prom.test:9090');
    expect(sc.objectives[1]).toMatchObject({ verdict: 'met', measured: 0.001 });
    // The load saw no error at all: only the service's own metrics caught the fault.
    expect(sc.objectives[2].verdict).toBe('met');
    expect(sc.status).toBe('failed');
    expect(sc.statusReason).toMatch(/missed "Triton errors in the fault" \(30% vs <= 5%\)/);
    expect(sc.serviceSlis![0].windows.map((w) => w.value)).toEqual([0, 0.3, 0.001, 0.1]);
    expect(validScorecard(sc), JSON.stringify(validScorecard.errors)).toBe(true);
  });

  it('without a Prometheus the objective is no-data, not scored, and the drill is inconclusive rather than failed', async () => {
    const sc = await scorecardWith(
      [
        { name: 'Triton errors in the fault', sli: 'promql', promql: 'triton-errors', phase: 'fault', op: '<=', target: 0.05 },
        { name: 'no failed requests (load)', sli: 'failed_requests', op: '<=', target: 0 },
      ],
      undefined,
      { url: undefined },
    );
    const o = sc.objectives[0];
    expect(o).toMatchObject({ verdict: 'no-data', measured: null, credit: 0, maxContribution: 0, contribution: 0 });
    expect(o.explanation).toMatch(/no Prometheus configured/);
    expect(o.source).toMatch(/\(no Prometheus configured\)/);
    // Scored on the load-measured objective alone, as without the PromQL objective.
    expect(sc.objectives[1].maxContribution).toBe(100);
    expect(sc.score).toBe(100);
    expect(sc.status).toBe('inconclusive');
    expect(sc.statusReason).toMatch(/could not measure "Triton errors in the fault" \(the service's metrics gave no figure: .*no Prometheus configured/);
    expect(sc.serviceSlis![0].windows.every((w) => w.value === null)).toBe(true);
    expect(sc.serviceSlis![0].prometheusUrl).toBeNull();
    expect(validScorecard(sc), JSON.stringify(validScorecard.errors)).toBe(true);
  });

  it('a query that returns nothing, NaN (no requests) or fails gives no-data with the reason, never missed', async () => {
    for (const [answer, reason] of [
      [[], /returned no sample for the fault window/],
      [[Number.NaN], /no requests counted/],
      [new Error('HTTP 400: parse error'), /the fault query failed: HTTP 400: parse error/],
      [[0.1, 0.2], /returned 2 series; an SLI query must aggregate to one/],
    ] as const) {
      const prom = fakeProm((at) => (at === T0 + 30_000 ? (answer instanceof Error ? answer : [...answer]) : [0]));
      const sc = await scorecardWith([{ name: 'Triton errors in the fault', sli: 'promql', promql: 'triton-errors', phase: 'fault', op: '<=', target: 0.05 }], prom);
      expect(sc.objectives[0].verdict).toBe('no-data');
      expect(sc.objectives[0].explanation).toMatch(reason);
      expect(sc.status).not.toBe('failed');
    }
  });

  it('a hung Prometheus costs the timeout, not the scorecard', async () => {
    const hung: InstantQuerier = { query: () => new Promise(() => {}) };
    const [sli] = await evaluateServiceSlis({ slis: [TRITON], prometheusUrl: 'http://prom.test:9090', windows: fakeLoad(PHASES()).outcome.windows, origin: T0, querier: hung, timeoutMs: 20 });
    expect(sli.windows.every((w) => w.value === null)).toBe(true);
    expect(sli.note).toMatch(/timed out after 20 ms/);
  });

  it('the HTML report shows the service-reported figures with their source beside the load error rate', async () => {
    const prom = fakeProm(FAULTY);
    const sc = await scorecardWith([{ name: 'Triton errors in the fault', sli: 'promql', promql: 'triton-errors', phase: 'fault', op: '<=', target: 0.05 }], prom);
    const html = renderReport(sc);
    expect(html).toContain('<h2>Service-reported SLIs</h2>');
    expect(html).toContain('data-testid="service-slis"');
    expect(html).toContain('Triton failed inferences');
    expect(html).toContain('promql: sum(rate(nv_inference_request_failure[{{.window}}]))');
    expect(html).toContain('@ http://prom.test:9090');
    expect(html).toMatch(/<td[^>]*>30%<\/td>/);
    expect(html).toContain('data-testid="objective-source"');
    expect(html).toContain('promql:triton-errors (fault)');
  });

  it('a scorecard of a service without PromQL SLIs has no service section', () => {
    const { load, outcome } = fakeLoad(PHASES());
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: fakeRunbook([{ name: 'no failed requests', sli: 'failed_requests', op: '<=', target: 0 }]), slo: SLO });
    expect(sc.serviceSlis).toBeUndefined();
    expect(renderReport(sc)).not.toContain('Service-reported SLIs');
  });
});
