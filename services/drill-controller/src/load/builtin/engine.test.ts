import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUND_TRUTH_HEADER, SYNTHETIC_HEADER, type LoadPhaseName } from '@drillbook/contracts';
import { readLoadResult } from '../reader/readLoadResult.js';
import { readSummary } from '../reader/readLoadResult.js';
import { startLoad } from '../startLoad.js';
import type { LoadPlan, LoadTick } from '../types.js';
import { startTarget, type Answer, type TargetServer } from '../__fixtures__/targetServer.js';

const SESSIONS = fileURLToPath(new URL('../__fixtures__/sessions.json', import.meta.url));
let target: TargetServer | null = null;
afterEach(async () => {
  await target?.close();
  target = null;
});

async function withTarget(answer?: (body: { userId: string; query: string; k: number }, n: number) => Answer): Promise<TargetServer> {
  target = await startTarget(answer);
  return target;
}

function plan(baseUrl: string, over: Partial<LoadPlan> = {}): LoadPlan {
  return {
    baseUrl,
    phases: [
      { phase: 'baseline', durationS: 1, rate: 20, mix: 'training' },
      { phase: 'fault', durationS: 1, rate: 40, mix: 'training' },
      { phase: 'recovery', durationS: 1, rate: 20, mix: 'training' },
    ],
    k: 10,
    timeoutMs: 1000,
    sessions: SESSIONS,
    outDir: mkdtempSync(join(tmpdir(), 'builtin-load-')),
    ...over,
  };
}

describe('the built-in load engine', () => {
  it('sends each phase’s planned number of requests and tags every sample with its phase', async () => {
    const t = await withTarget();
    const run = startLoad(plan(t.url), { engine: 'builtin' });
    expect(run.engine).toBe('builtin');
    const outcome = await run.done;
    expect(outcome).toMatchObject({ engine: 'builtin', status: 'completed', exitCode: 0, interrupted: 0 });
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(r.engine).toBe('builtin');
    expect(r.phases.map((p) => [p.phase, p.requests, p.errors, p.droppedIterations])).toEqual([
      ['baseline', 20, 0, 0],
      ['fault', 40, 0, 0],
      ['recovery', 20, 0, 0],
    ]);
    expect(t.received).toHaveLength(80);
    // Open model: send times follow the schedule (1/rate apart), not the responses.
    expect(r.phases[1].throughputRps).toBeCloseTo(40, 1);
    expect(outcome.windows.map((w) => w.phase)).toEqual(['baseline', 'fault', 'recovery']);
    expect(Date.parse(outcome.windows[1].start) - Date.parse(outcome.windows[0].start)).toBe(1000);
  });

  it('sends the contract’s request: JSON {userId, query, k} with the synthetic and ground-truth headers', async () => {
    const t = await withTarget();
    const outcome = await startLoad(plan(t.url, { phases: [{ phase: 'baseline', durationS: 0.5, rate: 8, mix: 'training' }], k: 7 }), { engine: 'builtin' }).done;
    expect(outcome.status).toBe('completed');
    const first = t.received[0];
    expect(first.method).toBe('POST');
    expect(first.url).toBe('/v1/recommend');
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers[SYNTHETIC_HEADER]).toBe('true');
    expect(first.body).toEqual({ userId: 'u-1', query: 'running shoes', k: 7 });
    expect(first.headers[GROUND_TRUTH_HEADER]).toBe('i-2');
    expect(t.received[1].headers[GROUND_TRUTH_HEADER]).toBe('i-1,i-9');
    // Templates are used in turn.
    expect(t.received.map((x) => (x.body as { userId: string }).userId)).toEqual(['u-1', 'u-2', 'u-3', 'u-4']);
  });

  it('draws the drifted mix in a phase planned with it', async () => {
    const t = await withTarget();
    await startLoad(
      plan(t.url, {
        phases: [
          { phase: 'baseline', durationS: 0.5, rate: 4, mix: 'training' },
          { phase: 'fault', durationS: 0.5, rate: 4, mix: 'drifted' },
        ],
      }),
      { engine: 'builtin' },
    ).done;
    expect(t.received.map((x) => (x.body as { userId: string }).userId)).toEqual(['u-1', 'u-2', 'u-9', 'u-9']);
  });

  it('counts degraded answers as degraded, not errors, and scores NDCG@10 against the ground truth', async () => {
    // u-1's purchase i-2 is served 2nd: NDCG@10 = 1/log2(3). u-2 gets the fallback (degraded).
    const t = await withTarget((b) => (b.userId === 'u-2' ? { status: 200, degraded: true, items: ['i-40'] } : { status: 200, items: ['i-1', 'i-2'] }));
    const outcome = await startLoad(plan(t.url, { phases: [{ phase: 'baseline', durationS: 1, rate: 8, mix: 'training' }] }), { engine: 'builtin' }).done;
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    const b = r.phases[0];
    expect(b).toMatchObject({ requests: 8, errors: 0, degraded: 2, degradedShare: 0.25 });
    const byUser = (i: number) => r.samples[i];
    expect(byUser(0)).toMatchObject({ ok: true, degraded: false, ndcg: expect.closeTo(1 / Math.log2(3), 12) });
    expect(byUser(1)).toMatchObject({ ok: true, degraded: true, ndcg: 0 });
    // u-2 truth {i-1, i-9}, served [i-1, i-2] -> DCG 1, IDCG 1 + 1/log2(3)
    expect(byUser(2)).toMatchObject({ ndcg: 0 }); // u-3: i-30 not served
    expect(byUser(3)).toMatchObject({ ndcg: null }); // u-4 has no ground truth: not scored
    expect(b.scored).toBe(6);
  });

  it('counts non-2xx answers and timeouts as errors and reports the crossed thresholds (exit 99)', async () => {
    const t = await withTarget((b) => (b.userId === 'u-2' ? { status: 503 } : b.userId === 'u-3' ? { hang: true } : { status: 200 }));
    const outcome = await startLoad(plan(t.url, { phases: [{ phase: 'fault', durationS: 1, rate: 8, mix: 'training' }], timeoutMs: 300 }), { engine: 'builtin' }).done;
    expect(outcome).toMatchObject({ status: 'thresholds-crossed', exitCode: 99 });
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(r.phases[0]).toMatchObject({ requests: 8, errors: 4 });
    const timedOut = r.samples.filter((s) => !s.ok && s.ms >= 300);
    expect(timedOut).toHaveLength(2);
    // The 300 ms timeouts also push p99 over the 250 ms SLO.
    expect(r.thresholds.filter((x) => !x.ok).map((x) => `${x.metric} ${x.expr}`)).toEqual(['http_req_duration p(99)<250', 'http_req_failed rate<0.001']);
    const points = readFileSync(outcome.pointsFile, 'utf8');
    expect(points).toContain('"error_code":"1050"'); // k6's code for a request timeout
    expect(points).toContain('"status":"503"');
  });

  it('counts refused connections as errors', async () => {
    const t = await withTarget();
    const url = t.url;
    await t.close();
    target = null;
    const outcome = await startLoad(plan(url, { phases: [{ phase: 'fault', durationS: 0.5, rate: 10, mix: 'training' }], readinessPath: null }), { engine: 'builtin' }).done;
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(r.phases[0]).toMatchObject({ requests: 5, errors: 5, errorRate: 1 });
    expect(readFileSync(outcome.pointsFile, 'utf8')).toContain('"error_code":"1212"'); // k6: connection refused
  });

  it('measures latency from the scheduled send time, so a stalled engine shows up as latency instead of fewer requests', async () => {
    const t = await withTarget();
    const run = startLoad(plan(t.url, { phases: [{ phase: 'baseline', durationS: 1.5, rate: 40, mix: 'training' }] }), { engine: 'builtin' });
    // Stall the engine's event loop for 400 ms, half a second into the phase.
    run.onPhase(() => {
      setTimeout(() => {
        const until = performance.now() + 400;
        while (performance.now() < until) {
          // busy
        }
      }, 500);
    });
    const outcome = await run.done;
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    // Every scheduled request was still sent (nothing omitted) ...
    expect(r.phases[0].requests).toBe(60);
    // ... and the ones scheduled during the stall carry the wait in their latency.
    expect(r.phases[0].latencyMs.max!).toBeGreaterThanOrEqual(350);
    const lag = readSummary(outcome.summaryFile).metrics.drillbook_schedule_lag.values;
    expect(lag.max).toBeGreaterThanOrEqual(350);
    expect(lag.count).toBe(60);
  });

  it('records the written-to-answered interval beside the scheduled-send latency: an engine stall shows only in the latter', async () => {
    const t = await withTarget(() => ({ status: 200, delayMs: 80 }));
    const run = startLoad(plan(t.url, { phases: [{ phase: 'baseline', durationS: 1, rate: 20, mix: 'training' }] }), { engine: 'builtin' });
    // Stall the engine's thread for 600 ms, 300 ms in: the ~12 requests scheduled meanwhile are
    // written late; timed from the schedule they carry the wait, timed from the write they do not.
    run.onPhase(() => {
      setTimeout(() => {
        const until = performance.now() + 600;
        while (performance.now() < until) {
          // busy
        }
      }, 300);
    });
    const outcome = await run.done;
    const m = readSummary(outcome.summaryFile).metrics;
    const written = m.drillbook_http_req_written_duration.values;
    const scheduled = m.http_req_duration.values;
    expect(written.count).toBe(20);
    expect(written.min).toBeGreaterThanOrEqual(75); // the target's 80 ms answer delay (timer granularity aside)
    expect(written.med).toBeLessThan(250);
    expect(scheduled.med - written.med).toBeGreaterThan(100);
    expect(written.max).toBeLessThanOrEqual(scheduled.max);
  });

  it('catches up a late schedule at most 500 iterations per turn, so a stop between turns is acted on at once', async () => {
    const t = await withTarget();
    const run = startLoad(plan(t.url, { phases: [{ phase: 'baseline', durationS: 10, rate: 2000, mix: 'training' }] }), { engine: 'builtin' });
    // Stall the engine's thread for 2 s a quarter second in (about 4,000 iterations fall due), then
    // stop from the first timer after the stall: only the first catch-up turn may run before it.
    run.onPhase(() => {
      setTimeout(() => {
        const until = performance.now() + 2000;
        while (performance.now() < until) {
          // busy
        }
        setTimeout(() => void run.stop('test: stop during catch-up'), 0);
      }, 250);
    });
    const outcome = await run.done;
    expect(outcome.status).toBe('stopped');
    const lag = readSummary(outcome.summaryFile).metrics.drillbook_schedule_lag.values;
    // ~500 before the stall + one turn of at most 500; without the bound all ~4,500 would be handled.
    expect(lag.count).toBeGreaterThan(500);
    expect(lag.count).toBeLessThan(1600);
  });

  it('refuses a plan beyond what the built-in engine can schedule, before sending anything', async () => {
    const t = await withTarget();
    for (const rate of [6000, 1e308]) {
      expect(() => startLoad(plan(t.url, { phases: [{ phase: 'baseline', durationS: 30, rate, mix: 'training' }] }), { engine: 'builtin' })).toThrow(/load plan refused: baseline phase: .* req\/s is more than the built-in load engine schedules \(at most 5,000 req\/s\)/);
    }
    expect(() => startLoad(plan(t.url, { phases: [{ phase: 'baseline', durationS: 1000, rate: 2000, mix: 'training' }] }), { engine: 'builtin' })).toThrow(/the plan sends 2,000,000 requests, more than 1,000,000 per drill/);
    expect(t.received).toHaveLength(0);
  });

  it('does not call an answer that arrived while the engine itself was stalled past the deadline a timeout', async () => {
    // The target answers in 100 ms from its own thread (about two requests always in flight), so it
    // answers during the engine's stall.
    const worker = new Worker(
      `const http = require('node:http');
       const s = http.createServer((req, res) => {
         if (req.url === '/readyz') return res.end('{"ready":true}');
         req.resume();
         req.on('end', () => setTimeout(() => { res.setHeader('content-type', 'application/json'); res.end('{"items":[{"itemId":"i-1","score":1}],"model":"m","modelVersion":"v1","degraded":false}'); }, 100));
       });
       s.listen(0, '127.0.0.1', () => require('node:worker_threads').parentPort.postMessage(s.address().port));`,
      { eval: true },
    );
    try {
      const port = await new Promise<number>((r) => worker.once('message', r));
      const run = startLoad(plan(`http://127.0.0.1:${port}`, { phases: [{ phase: 'baseline', durationS: 1, rate: 20, mix: 'training' }], timeoutMs: 200 }), { engine: 'builtin' });
      // Stalled from the check phase, so the next loop iteration starts with the timers phase, as after
      // the process was descheduled: the expired deadlines run before the answers are read.
      run.onPhase(() => {
        setTimeout(
          () =>
            setImmediate(() => {
              const until = performance.now() + 500; // longer than the 200 ms deadline
              while (performance.now() < until) {
                // busy
              }
            }),
          300,
        );
      });
      const outcome = await run.done;
      const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
      expect(r.phases[0]).toMatchObject({ requests: 20, errors: 0 });
      // The stall is still in the latency of what was in flight or scheduled during it.
      expect(r.phases[0].latencyMs.max!).toBeGreaterThanOrEqual(400);
    } finally {
      await worker.terminate();
    }
  });

  it('drops and counts iterations when the concurrency cap is reached, like k6 out of VUs', async () => {
    const t = await withTarget(() => ({ status: 200, delayMs: 600 }));
    const outcome = await startLoad(plan(t.url, { phases: [{ phase: 'fault', durationS: 1, rate: 30, mix: 'training' }], maxInFlight: 5 }), { engine: 'builtin' }).done;
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    const p = r.phases[0];
    expect(p.requests + p.droppedIterations).toBe(30);
    expect(p.droppedIterations).toBeGreaterThanOrEqual(10);
    expect(readSummary(outcome.summaryFile).metrics.dropped_iterations.values.count).toBe(p.droppedIterations);
  });

  it('fails fast when the target is not ready, sending no load (k6 setup() aborts: exit 108)', async () => {
    const t = await withTarget();
    t.readyStatus = 503;
    const outcome = await startLoad(plan(t.url), { engine: 'builtin' }).done;
    expect(outcome).toMatchObject({ status: 'setup-failed', exitCode: 108, windows: [] });
    expect(outcome.error).toMatch(/target not ready: GET http:\/\/127\.0\.0\.1:\d+\/readyz -> HTTP 503/);
    expect(t.received).toHaveLength(0);
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(r.totals.requests).toBe(0);
  });

  it('stops promptly on stop(), still writes both outputs and says why (exit 105)', async () => {
    const t = await withTarget();
    const run = startLoad(plan(t.url, { phases: [{ phase: 'baseline', durationS: 30, rate: 20, mix: 'training' }] }), { engine: 'builtin' });
    await new Promise((r) => setTimeout(r, 1200));
    const stoppedAt = Date.now();
    await run.stop('guardrail: error_rate >= 0.05 for 5s');
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    const outcome = await run.done;
    expect(outcome).toMatchObject({ status: 'stopped', exitCode: 105, stopReason: 'guardrail: error_rate >= 0.05 for 5s' });
    expect(existsSync(outcome.summaryFile) && existsSync(outcome.pointsFile)).toBe(true);
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(r.totals.requests).toBeGreaterThan(0);
    expect(r.totals.requests).toBeLessThan(600);
    const w = outcome.windows[0];
    expect(Date.parse(w.end) - Date.parse(w.start)).toBeLessThan(30_000);
    // A second stop is harmless.
    await run.stop('again');
    expect((await run.done).stopReason).toBe('guardrail: error_rate >= 0.05 for 5s');
  });

  it('cuts off requests still running after the stop grace period without recording them', async () => {
    const t = await withTarget(() => ({ hang: true }));
    const run = startLoad(plan(t.url, { phases: [{ phase: 'baseline', durationS: 30, rate: 10, mix: 'training' }], timeoutMs: 20_000 }), { engine: 'builtin' });
    await new Promise((r) => setTimeout(r, 500));
    await run.stop('operator abort');
    const outcome = await run.done;
    expect(outcome.status).toBe('stopped');
    expect(outcome.interrupted).toBeGreaterThan(0);
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(r.totals.requests).toBe(0);
  });

  it('announces each phase as its schedule starts and ticks live figures about once a second', async () => {
    const t = await withTarget((b) => (b.userId === 'u-2' ? { status: 500 } : { status: 200, degraded: b.userId === 'u-1' }));
    const run = startLoad(plan(t.url, { liveWindowS: 2 }), { engine: 'builtin' });
    const phases: LoadPhaseName[] = [];
    const ticks: LoadTick[] = [];
    run.onPhase((p) => phases.push(p));
    run.onTick((tick) => ticks.push(tick));
    run.onTick(() => {
      throw new Error('a broken observer must not stop the load');
    });
    const outcome = await run.done;
    expect(outcome.status).toBe('thresholds-crossed');
    expect(phases).toEqual(['baseline', 'fault', 'recovery']);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    const mid = ticks.find((x) => x.phase === 'fault' || x.phase === 'recovery')!;
    expect(mid.window.seconds).toBe(2);
    expect(mid.completed).toBeGreaterThan(0);
    expect(mid.window.errorRate).toBeCloseTo(0.25, 1);
    expect(mid.window.degradedShare).toBeCloseTo(0.25, 1);
    expect(mid.window.p99Ms).not.toBeNull();
    const last = ticks[ticks.length - 1];
    expect(last).toMatchObject({ sent: 80, completed: 80, errors: 20, remainingS: 0, phase: null });
  });

  it('refuses, before sending anything, ground truth that cannot travel in a header', () => {
    const sessions = { schemaVersion: 1, world: { seed: 1, items: 1, users: 1 }, training: [{ userId: 'u', query: 'q', groundTruth: ['i-1\nx'], category: 'c', segment: 's' }], drifted: [] };
    expect(() => startLoad(plan('http://127.0.0.1:9', { sessions: sessions as never, phases: [{ phase: 'baseline', durationS: 1, rate: 1, mix: 'training' }] }), { engine: 'builtin' })).toThrow(
      /sessions: training\[0\]\.groundTruth: expected item ids that fit in the x-ground-truth header/,
    );
  });

  it('evaluates the drill’s own thresholds (load-tests/lib/drills.js) when the plan names its k6 script', async () => {
    const t = await withTarget();
    const outcome = await startLoad(plan(t.url, { scenario: 'load-tests/scenarios/overload.js' }), { engine: 'builtin' }).done;
    const keys = Object.entries(readSummary(outcome.summaryFile).metrics)
      .filter(([, m]) => m.thresholds)
      .map(([k]) => k);
    expect(keys).toContain('http_req_duration{expected_response:true}');
    expect(keys).toContain('http_req_failed{scenario:baseline}');
    expect(keys).not.toContain('http_req_duration'); // overload has no all-request latency SLO
  });
});
