import { describe, expect, it } from 'vitest';
import { InvalidLoadPlan } from './errors.js';
import { evaluateThreshold, parseMetricKey, parseThreshold } from './thresholds.js';

describe('k6 thresholds', () => {
  it('evaluates percentile, rate and count expressions against summary values', () => {
    const trend = { 'p(99)': 240, max: 300, count: 10 };
    expect(evaluateThreshold(parseThreshold('p(99)<250'), trend)).toBe(true);
    expect(evaluateThreshold(parseThreshold('p(99) < 200'), trend)).toBe(false);
    expect(evaluateThreshold(parseThreshold('max>=0'), trend)).toBe(true);
    expect(evaluateThreshold(parseThreshold('rate<0.001'), { rate: 0.0072 })).toBe(false);
    expect(evaluateThreshold(parseThreshold('rate<=0.01'), { rate: 0.01 })).toBe(true);
  });

  it('fails a threshold whose statistic the metric does not have', () => {
    expect(evaluateThreshold(parseThreshold('p(99.9)<250'), { 'p(99)': 1 })).toBe(false);
  });

  it('rejects an expression k6 would not accept, naming where it was', () => {
    expect(() => parseThreshold('p99 < 250', 'thresholds["http_req_duration"][0]')).toThrow(InvalidLoadPlan);
    expect(() => parseThreshold('p99 < 250', 'thresholds["http_req_duration"][0]')).toThrow(
      /thresholds\["http_req_duration"\]\[0\]: expected a k6 threshold like "p\(99\)<250"/,
    );
  });

  it('reads sub-metric selectors from a metric key', () => {
    expect(parseMetricKey('http_req_duration{scenario:fault,expected_response:true}')).toEqual({
      key: 'http_req_duration{scenario:fault,expected_response:true}',
      name: 'http_req_duration',
      tags: { scenario: 'fault', expected_response: 'true' },
    });
    expect(parseMetricKey('checks').tags).toEqual({});
    expect(() => parseMetricKey('http_req_duration{scenario}')).toThrow(/\{tag:value\}/);
  });
});
