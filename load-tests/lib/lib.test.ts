import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GROUND_TRUTH_HEADER, LOAD_METRIC, LOAD_PHASES, SUMMARY_TREND_STATS, SYNTHETIC_HEADER, ndcgAtK as ndcgTs, type LoadPhaseName } from '@drillbook/contracts';
import { defaultMaxInFlight } from '../../services/drill-controller/src/load/plan.js';
import * as constants from './constants.js';
import { DRILLS, drill, drillThresholds } from './drills.js';
import { ndcgAtK as ndcgJs } from './ndcg.js';
import { defaultMaxVUs, phaseScenarios, readPlan, resolveSessionsFile, scheduleLagMs } from './plan.js';
import { PROFILES, profilePhases } from './profiles.js';
import { DEFAULT_SLO, sloThresholds } from './slo.js';
import { summaryLines } from './summary.js';

const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));

describe('load-tests/lib constants', () => {
  it('match the contracts the rest of Drillbook uses', () => {
    expect(constants.SYNTHETIC_HEADER).toBe(SYNTHETIC_HEADER);
    expect(constants.GROUND_TRUTH_HEADER).toBe(GROUND_TRUTH_HEADER);
    expect({ ...constants.LOAD_METRIC }).toEqual({ ...LOAD_METRIC });
    expect([...constants.LOAD_PHASES]).toEqual([...LOAD_PHASES]);
    expect([...constants.SUMMARY_TREND_STATS]).toEqual([...SUMMARY_TREND_STATS]);
  });
});

describe('NDCG@10 in the k6 scripts', () => {
  it.each([
    [['a', 'b', 'c'], ['b']],
    [['a', 'b', 'c'], ['a', 'c', 'z']],
    [['x', 'y'], ['a']],
    [['a', 'a', 'b'], ['a', 'b']],
    [Array.from({ length: 20 }, (_, i) => `i${i}`), ['i15', 'i3']],
    [['a'], []],
    [[], []],
    [['x', 'a', 'a', 'a'], ['a']],
    [['a', 'b', 'c', 'd'], ['d', 'c', 'b', 'a']],
    [['d', 'c', 'b', 'a'], ['a', 'b']],
  ])('scores %j against %j exactly as the contracts ndcgAtK (gateway, load engine, scorecard) does', (served, truth) => {
    expect(ndcgJs(served, truth, 10)).toEqual(ndcgTs(served, truth, 10));
  });

  it('gives 1 for a perfect ranking and 1/log2(3) for the only relevant item in second place', () => {
    expect(ndcgJs(['a', 'b'], ['a', 'b'])).toBeCloseTo(1, 12);
    expect(ndcgJs(['x', 'a'], ['a'])).toBeCloseTo(1 / Math.log2(3), 12);
  });
});

describe('the run plan from the environment', () => {
  const replicaLoss = drill('replica-loss');

  it('reads LOAD_PLAN, K, TIMEOUT_MS and MAX_VUS', () => {
    const plan = readPlan(
      {
        LOAD_PLAN: JSON.stringify([
          { phase: 'baseline', durationS: 5, rate: 50, mix: 'training' },
          { phase: 'fault', durationS: 2.5, rate: 100, mix: 'drifted' },
        ]),
        K: '20',
        TIMEOUT_MS: '750',
        MAX_VUS: '64',
      },
      replicaLoss,
    );
    expect(plan).toEqual({
      phases: [
        { phase: 'baseline', durationS: 5, rate: 50, mix: 'training' },
        { phase: 'fault', durationS: 2.5, rate: 100, mix: 'drifted' },
      ],
      k: 20,
      timeoutMs: 750,
      maxVUs: 64,
    });
  });

  it('falls back to the drill’s profile and per-phase mix, or to PROFILE', () => {
    const drift = readPlan({}, drill('data-drift'));
    expect(drift.phases.map((p) => [p.phase, p.rate, p.mix])).toEqual([
      ['baseline', 50, 'training'],
      ['fault', 50, 'drifted'],
      ['recovery', 50, 'training'],
    ]);
    expect(readPlan({ PROFILE: 'smoke' }, replicaLoss).phases.map((p) => p.durationS)).toEqual([10, 10, 10]);
    expect(readPlan({}, replicaLoss).maxVUs).toBe(defaultMaxVUs(readPlan({}, replicaLoss).phases, 2000));
  });

  it.each([
    [{ LOAD_PLAN: '{' }, /LOAD_PLAN: expected a JSON array of phases/],
    [{ LOAD_PLAN: '[]' }, /LOAD_PLAN: expected a non-empty JSON array/],
    [{ LOAD_PLAN: '[{"phase":"warmup","durationS":1,"rate":1,"mix":"training"}]' }, /LOAD_PLAN \[0\]\.phase: expected one of baseline, fault, recovery/],
    [{ LOAD_PLAN: '[{"phase":"fault","durationS":1,"rate":0,"mix":"training"}]' }, /LOAD_PLAN \[0\]\.rate/],
    [{ LOAD_PLAN: '[{"phase":"fault","durationS":1,"rate":1,"mix":"training"},{"phase":"fault","durationS":1,"rate":1,"mix":"training"}]' }, /each phase at most once/],
    [{ PROFILE: 'holiday' }, /unknown load profile "holiday"/],
    [{ K: 'ten' }, /K: expected a positive integer, got "ten"/],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => readPlan(env, replicaLoss)).toThrow(message);
  });

  it('caps concurrency the same way as the built-in engine', () => {
    for (const rate of [1, 10, 100, 333, 5000]) {
      for (const timeoutMs of [250, 2000, 10_000]) {
        const phases = [{ phase: 'fault' as LoadPhaseName, durationS: 1, rate, mix: 'training' as const }];
        expect(defaultMaxVUs(phases, timeoutMs)).toBe(defaultMaxInFlight(phases, timeoutMs));
      }
    }
  });

  it('resolves a relative SESSIONS_FILE against the working directory, not against lib/', () => {
    expect(resolveSessionsFile('out/sessions.json', '/home/me/drillbook')).toBe('/home/me/drillbook/out/sessions.json');
    expect(resolveSessionsFile('./s.json', '/tmp/')).toBe('/tmp/s.json');
    expect(resolveSessionsFile('/abs/s.json', '/tmp')).toBe('/abs/s.json');
    expect(() => resolveSessionsFile('s.json', undefined)).toThrow(/SESSIONS_FILE "s.json" is relative .* pass an absolute path/);
    expect(() => resolveSessionsFile(undefined, '/tmp')).toThrow(/SESSIONS_FILE is not set/);
  });

  it('runs each phase as its own constant-arrival-rate scenario, started where the previous one ends', () => {
    const plan = readPlan({ LOAD_PLAN: JSON.stringify(profilePhases('spike').map((p) => ({ ...p, mix: 'training' }))) }, replicaLoss);
    const s = phaseScenarios(plan, 'recommend');
    expect(Object.keys(s)).toEqual(['baseline', 'fault', 'recovery']);
    expect(Object.values(s).map((x) => [x.startTime, x.duration, x.rate])).toEqual([
      ['0ms', '30000ms', 20],
      ['30000ms', '30000ms', 200],
      ['60000ms', '60000ms', 20],
    ]);
    expect(s.fault).toMatchObject({ executor: 'constant-arrival-rate', exec: 'recommend', timeUnit: '1s', maxVUs: plan.maxVUs, env: { MIX: 'training', RATE: '200' } });
  });

  it('measures how late an iteration started against its arrival schedule', () => {
    // Iteration 10 at 20/s is due 500 ms after the scenario start.
    expect(scheduleLagMs(1_000, 10, 20, 1_530)).toBe(30);
    expect(scheduleLagMs(1_000, 10, 20, 1_400)).toBe(0);
    expect(scheduleLagMs(1_000, 10, 0, 1_400)).toBeNull();
  });
});

describe('thresholds that mirror the SLOs', () => {
  it('turns availability into a failed-request rate and p99 into a duration threshold', () => {
    const t = sloThresholds(DEFAULT_SLO, ['baseline', 'fault']);
    expect(t.http_req_failed).toEqual(['rate<0.001']);
    expect(t.http_req_duration).toEqual(['p(99)<250']);
  });

  it('gives every per-phase sub-metric a threshold so that k6 puts it in the summary', () => {
    const t = sloThresholds({ availability: 0.999 }, ['baseline', 'fault', 'recovery']);
    for (const phase of ['baseline', 'fault', 'recovery']) {
      expect(t[`http_req_duration{scenario:${phase}}`]).toEqual(['max>=0']);
      expect(t[`http_req_failed{scenario:${phase}}`]).toEqual(['rate>=0']);
      expect(t[`recsys_degraded{scenario:${phase}}`]).toEqual(['rate>=0']);
      expect(t[`recsys_ndcg{scenario:${phase}}`]).toEqual(['max>=0']);
    }
  });

  it('puts a real per-phase objective in place of the permissive one', () => {
    const t = drillThresholds('model-load-failure', ['baseline', 'fault', 'recovery']);
    expect(t['recsys_degraded{scenario:baseline}']).toEqual(['rate<=0.01']);
    expect(t['recsys_degraded{scenario:fault}']).toEqual(['rate>=0']); // the fallback is expected during the fault
    expect(drillThresholds('replica-loss', ['fault'])['http_req_failed{scenario:fault}']).toEqual(['rate<0.001']);
  });

  it('judges overload on admitted requests only', () => {
    const t = drillThresholds('overload', ['baseline', 'fault', 'recovery']);
    expect(t['http_req_duration{expected_response:true}']).toEqual(['p(99)<250']);
    expect(t.http_req_duration).toBeUndefined();
    expect(t['http_req_failed{scenario:fault}']).toEqual(['rate>=0']);
  });
});

describe('the drills and their scripts', () => {
  it('has one scenario script per drill and one drill per scenario script', () => {
    const scripts = readdirSync(SCENARIOS).filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, '')).sort();
    expect(scripts).toEqual(Object.keys(DRILLS).sort());
    expect(scripts).toEqual(
      ['accelerator-saturation', 'bad-model-deploy', 'data-drift', 'dependency-outage', 'model-load-failure', 'model-store-corrupt-artifact', 'model-store-disk-loss', 'model-store-down-deploy', 'model-store-down-scale-out', 'model-store-loss', 'overload', 'replica-loss', 'zone-loss'].sort(),
    );
  });

  it('builds every script’s options from its own drill entry, none copied between scripts', () => {
    for (const name of Object.keys(DRILLS)) {
      const text = readFileSync(`${SCENARIOS}${name}.js`, 'utf8');
      expect(text).toContain(`drillOptions('${name}', __ENV)`);
      expect(text).not.toMatch(/thresholds\s*:|scenarios\s*:|executor/);
    }
  });

  it('names a known profile for every drill, each with all three phases', () => {
    for (const d of Object.values(DRILLS)) expect(Object.keys(PROFILES)).toContain(d.profile);
    for (const p of Object.values(PROFILES)) expect(p.phases.map((x) => x.phase)).toEqual(['baseline', 'fault', 'recovery']);
    expect(Object.keys(PROFILES)).toEqual(['smoke', 'average', 'peak', 'stress', 'spike', 'soak']);
  });

  it('overload’s default profile runs the fault at twice the baseline rate', () => {
    const [b, f] = profilePhases(drill('overload').profile);
    expect(f.rate).toBe(2 * b.rate);
  });
});

describe('handleSummary’s text', () => {
  it('lists the thresholds a real k6 run crossed', () => {
    const data = JSON.parse(readFileSync(new URL('../../services/drill-controller/src/load/__fixtures__/k6/threshold-failed/handle-summary.json', import.meta.url), 'utf8'));
    expect(summaryLines(data)).toBe('requests=804 failed=7.21% p99=42.0ms\nthresholds crossed: http_req_failed rate<0.05\n');
  });
});
