import { describe, expect, it } from 'vitest';
import { SummaryRecorder } from './summaryRecorder.js';

describe('the built-in engine’s k6 summary', () => {
  it('computes a sub-metric for every threshold key that names one, from the samples whose tags match', () => {
    const r = new SummaryRecorder({
      'http_req_duration{scenario:fault}': ['p(99)<100'],
      'http_req_duration{expected_response:true}': ['max>=0'],
      http_req_failed: ['rate<0.5'],
    });
    r.add('http_req_duration', 10, { scenario: 'baseline', expected_response: 'true' });
    r.add('http_req_duration', 200, { scenario: 'fault', expected_response: 'false' });
    r.add('http_req_duration', 20, { scenario: 'fault', expected_response: 'true' });
    for (const v of [0, 1, 0]) r.add('http_req_failed', v, { scenario: 'fault' });
    const { summary, thresholds } = r.summary(3000);
    expect(summary.metrics['http_req_duration{scenario:fault}']).toMatchObject({ type: 'trend', contains: 'time', values: { count: 2, max: 200 } });
    expect(summary.metrics['http_req_duration{scenario:fault}'].thresholds).toEqual({ 'p(99)<100': { ok: false } });
    expect(summary.metrics['http_req_duration{expected_response:true}'].values.count).toBe(2);
    expect(summary.metrics.http_req_duration.values.count).toBe(3);
    expect(summary.metrics.http_req_failed.values).toEqual({ rate: 1 / 3, passes: 1, fails: 2 });
    expect(thresholds).toContainEqual({ metric: 'http_req_failed', expr: 'rate<0.5', ok: true });
    expect(summary.options?.summaryTrendStats).toContain('p(99)');
    expect(summary.state.testRunDurationMs).toBe(3000);
  });

  it('leaves out metrics without samples and does not run their thresholds, as k6 does', () => {
    const r = new SummaryRecorder({ 'recsys_ndcg{scenario:fault}': ['max>=0'], checks: ['rate>0.9'] });
    r.add('http_reqs', 1, { scenario: 'fault' });
    const { summary, thresholds } = r.summary(1000);
    expect(Object.keys(summary.metrics)).toEqual(['http_reqs']);
    expect(summary.metrics.http_reqs.values).toEqual({ count: 1, rate: 1 });
    expect(thresholds).toEqual([]);
  });

  it('describes each metric and its thresholds for the Metric lines of the points file', () => {
    const r = new SummaryRecorder({ 'http_req_failed{scenario:fault}': ['rate>=0'], http_req_failed: ['rate<0.001'] });
    expect(r.metricInfos().get('http_req_failed')).toEqual({
      name: 'http_req_failed',
      type: 'rate',
      contains: 'default',
      thresholds: ['rate<0.001'],
      submetrics: [{ name: 'http_req_failed{scenario:fault}', suffix: 'scenario:fault', tags: { scenario: 'fault' } }],
    });
  });
});
