import { describe, expect, it } from 'vitest';
import { thresholdsFromObjectives } from './thresholds.js';

describe('thresholds derived from objectives', () => {
  it('mirror latency, availability and failure objectives, per phase where the objective names one', () => {
    const t = thresholdsFromObjectives(
      [
        { name: 'a', sli: 'latency_p99_ms', phase: 'fault', op: '<=', target: 250 },
        { name: 'b', sli: 'availability', op: '>=', target: 0.999 },
        { name: 'c', sli: 'failed_requests', op: '<=', target: 0 },
        { name: 'd', sli: 'time_to_recover_s', op: '<=', target: 1 },
      ],
      ['baseline', 'fault', 'recovery'],
    );
    expect(t['http_req_duration{scenario:fault}']).toEqual(['max>=0', 'p(99)<=250']);
    expect(t.http_req_failed).toEqual(['rate<=0.001', 'rate<=0']);
    expect(t['http_req_failed{scenario:baseline}']).toEqual(['rate>=0']);
    expect(Object.keys(t)).toHaveLength(7);
  });
});
