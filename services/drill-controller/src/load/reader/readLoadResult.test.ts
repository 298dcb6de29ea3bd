import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LoadOutputError } from '../errors.js';
import { startLoad } from '../startLoad.js';
import { startTarget } from '../__fixtures__/targetServer.js';
import { readLoadResult, readSummary } from './readLoadResult.js';

const FIXTURES = fileURLToPath(new URL('../__fixtures__/k6/', import.meta.url));
const fixture = (run: 'passed' | 'threshold-failed') => ({
  summary: join(FIXTURES, run, 'handle-summary.json'),
  points: join(FIXTURES, run, 'points.ndjson.gz'),
});

describe('readLoadResult on real k6 v0.48 output', () => {
  it('reads a passed run: every threshold held and each phase has the requests k6 sent in it', async () => {
    const f = fixture('passed');
    const r = await readLoadResult(f.summary, f.points);
    expect(r.engine).toBe('k6');
    expect(r.thresholdsOk).toBe(true);
    expect(r.thresholds.length).toBe(9);
    expect(r.phases.map((p) => [p.phase, p.requests, p.errors])).toEqual([
      ['baseline', 251, 0],
      ['fault', 301, 0],
      ['recovery', 251, 0],
    ]);
    // The readiness request of setup() carries no scenario tag and is not load.
    expect(r.totals.requests).toBe(803);
    expect(r.samples).toHaveLength(803);
    expect(r.phases.every((p) => p.droppedIterations === 0)).toBe(true);
  });

  it('reports the threshold the threshold-failed run crossed, and the ones that held', async () => {
    const f = fixture('threshold-failed');
    const r = await readLoadResult(f.summary, f.points);
    expect(r.thresholdsOk).toBe(false);
    expect(r.thresholds.filter((t) => !t.ok)).toEqual([{ metric: 'http_req_failed', expr: 'rate<0.05', ok: false }]);
    // k6 exited 99 on http_req_failed alone: the checks rate of that run was 0.928, above 0.9.
    expect(r.thresholds).toContainEqual({ metric: 'checks', expr: 'rate>0.9', ok: true });
    expect(r.thresholds).toContainEqual({ metric: 'http_req_duration', expr: 'p(99)<250', ok: true });
  });

  it.each(['passed', 'threshold-failed'] as const)(
    'computes per-phase figures from the %s points that equal k6’s own per-scenario sub-metrics',
    async (run) => {
      const f = fixture(run);
      const r = await readLoadResult(f.summary, f.points);
      const summary = readSummary(f.summary);
      for (const p of r.phases) {
        const d = summary.metrics[`http_req_duration{scenario:${p.phase}}`].values;
        expect(p.latencyMs.p99).toBeCloseTo(d['p(99)'], 9);
        expect(p.latencyMs.p95).toBeCloseTo(d['p(95)'], 9);
        expect(p.latencyMs.p50).toBeCloseTo(d.med, 9);
        expect(p.latencyMs.max).toBeCloseTo(d.max, 9);
        expect(p.requests).toBe(d.count);
        const failed = summary.metrics[`http_req_failed{scenario:${p.phase}}`].values;
        expect(p.errors).toBe(failed.passes);
        expect(p.errorRate).toBeCloseTo(failed.rate, 12);
      }
    },
  );

  it('shows the injected fault where it happened: errors and latency in the fault phase only', async () => {
    const f = fixture('threshold-failed');
    const r = await readLoadResult(f.summary, f.points);
    const [baseline, fault, recovery] = r.phases;
    expect(fault.errors).toBe(58);
    expect(fault.latencyMs.p50!).toBeGreaterThan(30);
    expect(baseline.errors + recovery.errors).toBe(0);
    expect(baseline.latencyMs.p50!).toBeLessThan(10);
    // The k6 scenarios ran at 50 req/s: the reader's throughput is that arrival rate.
    for (const p of r.phases) expect(p.throughputRps!).toBeCloseTo(50, 0);
    // Failed samples sit inside the fault scenario's span of send times.
    const failed = r.samples.filter((s) => !s.ok);
    expect(failed).toHaveLength(58);
    expect(failed.every((s) => s.phase === 'fault' && s.t >= fault.firstMs! && s.t <= fault.lastMs!)).toBe(true);
  });

  it('returns samples sorted by send time, offset from the first request', async () => {
    const f = fixture('passed');
    const r = await readLoadResult(f.summary, f.points);
    expect(r.samples[0].t).toBe(0);
    for (let i = 1; i < r.samples.length; i++) expect(r.samples[i].t).toBeGreaterThanOrEqual(r.samples[i - 1].t);
    expect(r.origin).toMatch(/^2026-11-23T06:\d\d:\d\d\.\d{3}Z$/);
    // k6's scenarios baseline 0-5 s, fault 5-11 s, recovery 11-16 s.
    expect(r.phases[1].firstMs! / 1000).toBeCloseTo(5, 0);
    expect(r.phases[2].firstMs! / 1000).toBeCloseTo(11, 0);
  });
});

describe('readLoadResult joins a request’s custom samples through their metadata', () => {
  const line = (metric: string, time: string, value: number, scenario: string, req?: string, extra: Record<string, string> = {}) =>
    JSON.stringify({ metric, type: 'Point', data: { time, value, tags: { group: '', scenario, ...extra }, ...(req ? { metadata: { req } } : {}) } });
  const http = { expected_response: 'true', status: '200', name: 'recommend' };

  it('marks degraded answers and their NDCG on the request they belong to, whatever the line order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reader-'));
    const points = join(dir, 'points.ndjson');
    writeFileSync(
      points,
      [
        line('http_req_duration', '2030-01-01T00:00:00.010Z', 10, 'baseline', 'baseline:0', http),
        line('recsys_degraded', '2030-01-01T00:00:00.011Z', 0, 'baseline', 'baseline:0'),
        line('recsys_ndcg', '2030-01-01T00:00:00.011Z', 0.5, 'baseline', 'baseline:0'),
        // a custom sample written before its request's duration sample
        line('recsys_degraded', '2030-01-01T00:00:01.030Z', 1, 'fault', 'fault:0'),
        line('http_req_duration', '2030-01-01T00:00:01.030Z', 30, 'fault', 'fault:0', http),
        line('http_req_duration', '2030-01-01T00:00:01.100Z', 2, 'fault', 'fault:1', { ...http, expected_response: 'false', status: '503' }),
        line('dropped_iterations', '2030-01-01T00:00:01.200Z', 1, 'fault'),
      ].join('\n'),
    );
    const summary = join(dir, 'summary.json');
    writeFileSync(summary, JSON.stringify({ metrics: {}, state: { testRunDurationMs: 1500 } }));
    const r = await readLoadResult(summary, points);
    expect(r.samples).toEqual([
      { t: 0, ms: 10, ok: true, degraded: false, ndcg: 0.5, phase: 'baseline', index: 0 },
      { t: 1000, ms: 30, ok: true, degraded: true, ndcg: null, phase: 'fault', index: 0 },
      { t: 1098, ms: 2, ok: false, degraded: false, ndcg: null, phase: 'fault', index: 1 },
    ]);
    const fault = r.phases.find((p) => p.phase === 'fault')!;
    expect(fault).toMatchObject({ requests: 2, errors: 1, degraded: 1, degradedShare: 0.5, droppedIterations: 1, ndcg10: null, scored: 0 });
    expect(r.phases[0]).toMatchObject({ phase: 'baseline', ndcg10: 0.5, scored: 1 });
  });
});

describe('readLoadResult on bad input', () => {
  it('names the missing summary file', async () => {
    await expect(readLoadResult('/nonexistent/summary.json', fixture('passed').points)).rejects.toThrow(/\/nonexistent\/summary\.json: no load summary/);
  });

  it('names the summary field that is not in the k6 shape', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reader-'));
    const f = join(dir, 'summary.json');
    writeFileSync(f, JSON.stringify({ metrics: { http_reqs: { type: 'histogram', values: {} } } }));
    expect(() => readSummary(f)).toThrow(LoadOutputError);
    expect(() => readSummary(f)).toThrow(/summary\.json: metrics\["http_reqs"\]: expected \{type: counter\|gauge\|rate\|trend/);
    writeFileSync(f, JSON.stringify({ metrics: { checks: { type: 'rate', values: { rate: 1 }, thresholds: { 'rate>0.9': { ok: 'yes' } } } } }));
    expect(() => readSummary(f)).toThrow(/metrics\["checks"\]\.thresholds\["rate>0\.9"\]\.ok: expected a boolean/);
  });

  it('names the file and line of a points line that is not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reader-'));
    const points = join(dir, 'points.ndjson');
    writeFileSync(points, `{"type":"Metric","data":{"name":"http_reqs"},"metric":"http_reqs"}\n{"metric":"http_req_duration","type":"Point","data":{"time":\n`);
    await expect(readLoadResult(fixture('passed').summary, points)).rejects.toThrow(/points\.ndjson:2: not a k6 --out json line/);
  });
});

describe('both engines through the same reader', () => {
  it('reads a built-in run of the fixture drill into the same shape and the same picture as the real k6 run', async () => {
    // The fixture's target, replayed against the built-in engine: healthy, then +40 ms and every
    // third request 503 during the fault phase, then healthy again. Same thresholds as its drill.js.
    let faultFrom = Infinity;
    let faultTo = Infinity;
    const target = await startTarget((_, n) => {
      const now = Date.now();
      if (now < faultFrom || now >= faultTo) return { status: 200 };
      return n % 3 === 0 ? { status: 503, delayMs: 40 } : { status: 200, delayMs: 40 };
    });
    try {
      const run = startLoad(
        {
          baseUrl: target.url,
          phases: [
            { phase: 'baseline', durationS: 1, rate: 50, mix: 'training' },
            { phase: 'fault', durationS: 1.2, rate: 50, mix: 'training' },
            { phase: 'recovery', durationS: 1, rate: 50, mix: 'training' },
          ],
          k: 10,
          timeoutMs: 1000,
          sessions: fileURLToPath(new URL('../__fixtures__/sessions.json', import.meta.url)),
          outDir: mkdtempSync(join(tmpdir(), 'same-reader-')),
          thresholds: {
            http_req_failed: ['rate<0.05'],
            http_req_duration: ['p(99)<250'],
            'http_req_duration{scenario:baseline}': ['max>=0'],
            'http_req_duration{scenario:fault}': ['max>=0'],
            'http_req_duration{scenario:recovery}': ['max>=0'],
            'http_req_failed{scenario:baseline}': ['rate>=0'],
            'http_req_failed{scenario:fault}': ['rate>=0'],
            'http_req_failed{scenario:recovery}': ['rate>=0'],
            checks: ['rate>0.9'],
          },
        },
        { engine: 'builtin' },
      );
      run.onPhase((phase, at) => {
        if (phase === 'fault') faultFrom = Date.parse(at);
        if (phase === 'recovery') faultTo = Date.parse(at);
      });
      const outcome = await run.done;
      expect(outcome.exitCode).toBe(99);
      const builtin = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
      const k6 = await readLoadResult(fixture('threshold-failed').summary, fixture('threshold-failed').points);

      // Same shape, key for key.
      expect(Object.keys(builtin).sort()).toEqual(Object.keys(k6).sort());
      expect(Object.keys(builtin.phases[1]).sort()).toEqual(Object.keys(k6.phases[1]).sort());
      expect(Object.keys(builtin.samples[0]).sort()).toEqual(Object.keys(k6.samples[0]).sort());
      expect(builtin.phases.map((p) => p.phase)).toEqual(k6.phases.map((p) => p.phase));

      // Same picture: the crossed threshold, errors and latency only in the fault phase.
      for (const r of [builtin, k6]) {
        expect(r.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expr}`)).toEqual(['http_req_failed rate<0.05']);
        const [baseline, fault, recovery] = r.phases;
        expect(baseline.errors + recovery.errors).toBe(0);
        expect(fault.errorRate!).toBeGreaterThan(0.1);
        expect(fault.latencyMs.p50!).toBeGreaterThan(35);
        expect(baseline.latencyMs.p50!).toBeLessThan(35);
      }
      // k6 checks are a k6-script feature; the built-in engine emits no checks, so that threshold is not run.
      expect(builtin.thresholds.some((t) => t.metric === 'checks')).toBe(false);
    } finally {
      await target.close();
    }
  });
});
