import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidLoadPlan } from './errors.js';
import { defaultMaxInFlight, normalizePlan, phaseAt } from './plan.js';
import type { LoadPlan } from './types.js';

const SESSIONS = fileURLToPath(new URL('./__fixtures__/sessions.json', import.meta.url));
const plan = (over: Partial<LoadPlan> = {}): LoadPlan => ({
  baseUrl: 'http://127.0.0.1:9',
  phases: [
    { phase: 'baseline', durationS: 2, rate: 10, mix: 'training' },
    { phase: 'fault', durationS: 3, rate: 20, mix: 'drifted' },
  ],
  k: 10,
  timeoutMs: 1000,
  sessions: SESSIONS,
  outDir: '/tmp/x',
  ...over,
});

describe('normalizePlan', () => {
  it('lays the phases out back to back and fills the defaults', () => {
    const p = normalizePlan(plan());
    expect(p.phases.map((x) => [x.phase, x.startMs, x.endMs])).toEqual([
      ['baseline', 0, 2000],
      ['fault', 2000, 5000],
    ]);
    expect(p.totalMs).toBe(5000);
    expect(p.readinessPath).toBeUndefined(); // the adapter's own checks (drillbook: /readyz)
    expect(p.maxInFlight).toBe(defaultMaxInFlight(p.phases, 1000));
    expect(p.sessions.training).toHaveLength(4);
    expect(phaseAt(p.phases, 1999)?.phase).toBe('baseline');
    expect(phaseAt(p.phases, 2000)?.phase).toBe('fault');
    expect(phaseAt(p.phases, 5000)).toBeNull();
  });

  it('sizes the default concurrency cap to one deadline of the peak rate, within 20..1000', () => {
    expect(defaultMaxInFlight([{ phase: 'baseline', durationS: 1, rate: 100, mix: 'training' }], 2000)).toBe(200);
    expect(defaultMaxInFlight([{ phase: 'baseline', durationS: 1, rate: 1, mix: 'training' }], 2000)).toBe(20);
    expect(defaultMaxInFlight([{ phase: 'baseline', durationS: 1, rate: 5000, mix: 'training' }], 2000)).toBe(1000);
  });

  it.each([
    [{ baseUrl: 'not a url' }, /load plan: baseUrl: expected an absolute http\(s\) URL/],
    [{ phases: [] }, /phases: expected a non-empty array/],
    [{ phases: [{ phase: 'warmup', durationS: 1, rate: 1, mix: 'training' }] }, /phases\[0\]\.phase: expected one of baseline, fault, recovery/],
    [{ phases: [{ phase: 'baseline', durationS: 0, rate: 1, mix: 'training' }] }, /phases\[0\]\.durationS: expected a number of seconds > 0/],
    [{ phases: [{ phase: 'baseline', durationS: 1, rate: -5, mix: 'training' }] }, /phases\[0\]\.rate: expected requests per second > 0/],
    [{ phases: [{ phase: 'baseline', durationS: 1, rate: 1, mix: 'holiday' }] }, /phases\[0\]\.mix: expected "training" or "drifted"/],
    [
      {
        phases: [
          { phase: 'fault', durationS: 1, rate: 1, mix: 'training' },
          { phase: 'fault', durationS: 1, rate: 1, mix: 'training' },
        ],
      },
      /phases\[1\]\.phase: expected each phase at most once/,
    ],
    [{ k: 0 }, /k: expected an integer 1\.\.100/],
    [{ timeoutMs: 0 }, /timeoutMs: expected a finite number of milliseconds > 0/],
    [{ timeoutMs: Number.POSITIVE_INFINITY }, /timeoutMs: expected a finite number of milliseconds > 0/],
    [{ phases: [{ phase: 'baseline', durationS: 1, rate: Number.NaN, mix: 'training' }] }, /phases\[0\]\.rate: expected requests per second > 0/],
    [{ phases: [{ phase: 'baseline', durationS: Number.POSITIVE_INFINITY, rate: 1, mix: 'training' }] }, /phases\[0\]\.durationS: expected a number of seconds > 0/],
    [{ scenario: 'load-tests/scenarios/x.yaml' }, /scenario: expected a k6 script path/],
    [{ thresholds: { http_req_duration: ['p99<250'] } }, /thresholds\["http_req_duration"\]\[0\]: expected a k6 threshold/],
    [{ readinessPath: 'readyz' }, /readinessPath: expected a path starting with "\/"/],
  ] as Array<[Partial<LoadPlan>, RegExp]>)('rejects %j naming the field', (over, message) => {
    expect(() => normalizePlan(plan(over as Partial<LoadPlan>))).toThrow(InvalidLoadPlan);
    expect(() => normalizePlan(plan(over as Partial<LoadPlan>))).toThrow(message);
  });

  it('names the sessions file and the template field that is wrong', () => {
    expect(() => normalizePlan(plan({ sessions: '/nonexistent/sessions.json' }))).toThrow(/sessions: expected a readable sessions file at "\/nonexistent\/sessions\.json"/);
    const bad = { schemaVersion: 1, world: { seed: 1, items: 1, users: 1 }, training: [{ userId: 'u', query: 'q', groundTruth: 'i-1' }], drifted: [] };
    expect(() => normalizePlan(plan({ sessions: bad as never }))).toThrow(/load plan sessions: training\[0\]\.groundTruth: expected an array of item ids/);
  });

  it('refuses a phase whose mix has no request templates', () => {
    const empty = { schemaVersion: 1, world: { seed: 1, items: 1, users: 1 }, training: [{ userId: 'u', query: 'q', groundTruth: [] }], drifted: [] };
    expect(() => normalizePlan(plan({ sessions: empty as never }))).toThrow(/phases\[1\]\.mix: expected a mix with request templates \("drifted" is empty/);
  });
});
