// Runs the real k6 binary on the drill scripts: `k6 inspect` and `k6 archive` of every scenario, and
// runs against a local stand-in target through the drill engine's k6 runner and its one reader. The
// test set-up puts k6 on PATH (scripts/testing/k6OnPath.ts: the k6 v0.48 kept in ../shared/bin);
// where no k6 exists at all, these tests skip and say so.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOnPath } from '../services/drill-controller/src/load/k6/which.js';
import { readLoadResult, startLoad } from '../services/drill-controller/src/load/index.js';
import { startTarget } from '../services/drill-controller/src/load/__fixtures__/targetServer.js';

const K6 = findOnPath('k6');
if (!K6) console.warn('[k6.int.test] skipped: no `k6` on PATH and none in ../shared/bin (install k6 v0.48+ to run the real-k6 tests)');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SESSIONS = fileURLToPath(new URL('../services/drill-controller/src/load/__fixtures__/sessions.json', import.meta.url));
const SCENARIOS = readdirSync(join(ROOT, 'load-tests/scenarios')).filter((f) => f.endsWith('.js'));

/**
 * k6's constant-arrival-rate executor starts `rate` iterations per second, the first at the phase's
 * start; whether one more starts on the phase's last instant is not promised. So a phase of d seconds
 * at r req/s sends r*d or r*d+1 requests — never fewer (nothing was dropped here), never more.
 */
function expectArrivals(requests: number, rate: number, durationS: number): void {
  expect(requests).toBeGreaterThanOrEqual(rate * durationS);
  expect(requests).toBeLessThanOrEqual(rate * durationS + 1);
}

describe.skipIf(!K6)('every scenario script in real k6', () => {
  it.each(SCENARIOS)('k6 inspect --execution-requirements loads %s', (script) => {
    const out = execFileSync(K6!, ['inspect', '--execution-requirements', '-e', 'BASE_URL=http://127.0.0.1:9', '-e', `SESSIONS_FILE=${SESSIONS}`, `load-tests/scenarios/${script}`], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    const opts = JSON.parse(out) as { scenarios: Record<string, { executor: string }>; thresholds: Record<string, unknown>; maxVUs: number };
    expect(Object.keys(opts.scenarios)).toEqual(['baseline', 'fault', 'recovery']);
    expect(Object.values(opts.scenarios).every((s) => s.executor === 'constant-arrival-rate')).toBe(true);
    expect(opts.thresholds).toHaveProperty(['http_req_duration{scenario:fault}']);
    expect(opts.maxVUs).toBeGreaterThan(0);
  });

  it.each(SCENARIOS)('k6 archive packs %s with the lib modules it imports', (script) => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-archive-'));
    const tar = join(dir, 'archive.tar');
    execFileSync(K6!, ['archive', '-O', tar, '-e', 'BASE_URL=http://127.0.0.1:9', '-e', `SESSIONS_FILE=${SESSIONS}`, `load-tests/scenarios/${script}`], { cwd: ROOT, stdio: 'pipe' });
    expect(existsSync(tar) && statSync(tar).size).toBeGreaterThan(1000);
    const listing = execFileSync('tar', ['-tf', tar], { encoding: 'utf8' });
    expect(listing).toMatch(new RegExp(`load-tests/scenarios/${script.replace('.', '\\.')}`));
    expect(listing).toMatch(/load-tests\/lib\/flows\.js/);
  });

  it('refuses a relative SESSIONS_FILE it cannot place (no PWD in k6 inspect) with a message naming it', () => {
    let err = '';
    try {
      execFileSync(K6!, ['inspect', '-e', 'SESSIONS_FILE=sessions.json', 'load-tests/scenarios/replica-loss.js'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      err = String((e as { stderr?: string }).stderr ?? e);
    }
    expect(err).toMatch(/SESSIONS_FILE \\?"sessions.json\\?" is relative/);
  });

  it('k6 run reads a SESSIONS_FILE relative to the directory it was started in', async () => {
    const target = await startTarget();
    try {
      const cwd = mkdtempSync(join(tmpdir(), 'k6-relative-'));
      copyFileSync(SESSIONS, join(cwd, 'my-sessions.json'));
      const plan = JSON.stringify([{ phase: 'baseline', durationS: 1, rate: 5, mix: 'training' }]);
      // async: the stand-in target answers from this process's event loop
      await promisify(execFile)(K6!, ['run', '--quiet', '--no-usage-report', '--address', '', '-e', `BASE_URL=${target.url}`, '-e', 'SESSIONS_FILE=my-sessions.json', '-e', `LOAD_PLAN=${plan}`, '-e', `SUMMARY_FILE=${join(cwd, 'summary.json')}`, join(ROOT, 'load-tests/scenarios/replica-loss.js')], {
        cwd,
        env: { ...process.env, PWD: cwd },
      });
      expect(target.received.length).toBeGreaterThanOrEqual(5);
      expect(existsSync(join(cwd, 'summary.json'))).toBe(true);
    } finally {
      await target.close();
    }
  });
});

describe.skipIf(!K6)('the drill scripts under real k6', () => {
  it('runs replica-loss phase by phase and the reader joins degraded answers and NDCG to their requests', async () => {
    const target = await startTarget((b) => (b.userId === 'u-2' ? { status: 200, degraded: true, items: ['i-1'] } : { status: 200, items: ['i-1', 'i-2'] }));
    try {
      const outcome = await startLoad(
        {
          baseUrl: target.url,
          phases: [
            { phase: 'baseline', durationS: 2, rate: 10, mix: 'training' },
            { phase: 'fault', durationS: 2, rate: 10, mix: 'drifted' },
            { phase: 'recovery', durationS: 2, rate: 10, mix: 'training' },
          ],
          k: 10,
          timeoutMs: 1000,
          sessions: SESSIONS,
          outDir: mkdtempSync(join(tmpdir(), 'k6-int-')),
          scenario: 'load-tests/scenarios/replica-loss.js',
        },
        { engine: 'k6' },
      ).done;
      expect(outcome.error).toBeUndefined();
      expect(outcome).toMatchObject({ engine: 'k6', status: 'completed', exitCode: 0 });
      const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
      expect(r.engine).toBe('k6');
      expect(r.phases.map((p) => p.phase)).toEqual(['baseline', 'fault', 'recovery']);
      for (const p of r.phases) {
        expectArrivals(p.requests, 10, 2);
        expect(p.errors).toBe(0);
      }
      expect(r.totals.droppedIterations ?? 0).toBe(0);
      // The scenario records how late each iteration started against its arrival schedule.
      for (const p of r.phases) {
        expect(p.schedLagMs.count).toBe(p.requests);
        expect(p.schedLagMs.p99).toBeGreaterThanOrEqual(0);
      }
      // Every degraded answer the target gave is joined to its request, and no other: u-2's requests.
      const toU2 = target.received.filter((x) => (x.body as { userId?: string }).userId === 'u-2').length;
      expect(toU2).toBeGreaterThan(0);
      expect(r.samples.filter((s) => s.degraded)).toHaveLength(toU2);
      expect(r.phases.reduce((a, p) => a + p.degraded, 0)).toBe(toU2);
      expect(r.samples.some((s) => s.ndcg !== null)).toBe(true);
      expect(target.received.every((x) => x.headers['x-synthetic'] === 'true')).toBe(true);
    } finally {
      await target.close();
    }
  });

  it('exits 99 when the target fails and the reader reports the crossed threshold', async () => {
    const target = await startTarget((_, n) => (n % 2 === 0 ? { status: 503 } : { status: 200 }));
    try {
      const outcome = await startLoad(
        {
          baseUrl: target.url,
          phases: [{ phase: 'fault', durationS: 2, rate: 10, mix: 'training' }],
          k: 10,
          timeoutMs: 1000,
          sessions: SESSIONS,
          outDir: mkdtempSync(join(tmpdir(), 'k6-int-')),
          scenario: 'load-tests/scenarios/replica-loss.js',
        },
        { engine: 'k6' },
      ).done;
      expect(outcome).toMatchObject({ status: 'thresholds-crossed', exitCode: 99 });
      const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
      expect(r.thresholds).toContainEqual({ metric: 'http_req_failed', expr: 'rate<0.001', ok: false });
    } finally {
      await target.close();
    }
  });

  it('aborts in setup() when the target is not ready', async () => {
    const target = await startTarget();
    target.readyStatus = 503;
    try {
      const outcome = await startLoad(
        { baseUrl: target.url, phases: [{ phase: 'baseline', durationS: 2, rate: 5, mix: 'training' }], k: 10, timeoutMs: 1000, sessions: SESSIONS, outDir: mkdtempSync(join(tmpdir(), 'k6-int-')), scenario: 'load-tests/scenarios/zone-loss.js' },
        { engine: 'k6' },
      ).done;
      expect(outcome.status).toBe('setup-failed');
      expect(target.received).toHaveLength(0);
    } finally {
      await target.close();
    }
  });
});
