// The k6 runner's plumbing, tested with a stand-in for the k6 binary (__fixtures__/k6-stand-in):
// k6 cannot be installed on this machine. The stand-in replays files that REAL k6 v0.48 wrote and
// exits with k6's codes; the scripts themselves are checked with real k6 elsewhere.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadPhaseName } from '@drillbook/contracts';
import { LoadEngineUnavailable } from '../errors.js';
import { normalizePlan } from '../plan.js';
import { readLoadResult } from '../reader/readLoadResult.js';
import { chooseEngine, startLoad } from '../startLoad.js';
import type { LoadPlan, LoadTick } from '../types.js';
import { buildK6Command } from './command.js';
import { findOnPath } from './which.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const STAND_IN_DIR = join(HERE, '../__fixtures__/k6-stand-in');
const FIXTURES = join(HERE, '../__fixtures__/k6');
const SESSIONS = join(HERE, '../__fixtures__/sessions.json');
const SCRIPT = 'load-tests/scenarios/replica-loss.js';

/** The phases of the recorded k6 runs: 50 req/s, baseline 5 s, fault 6 s, recovery 5 s. */
const RECORDED_PHASES: LoadPlan['phases'] = [
  { phase: 'baseline', durationS: 5, rate: 50, mix: 'training' },
  { phase: 'fault', durationS: 6, rate: 50, mix: 'training' },
  { phase: 'recovery', durationS: 5, rate: 50, mix: 'training' },
];

function plan(over: Partial<LoadPlan> = {}): LoadPlan {
  return {
    baseUrl: 'http://127.0.0.1:18282',
    phases: RECORDED_PHASES,
    k: 10,
    timeoutMs: 1500,
    sessions: SESSIONS,
    outDir: mkdtempSync(join(tmpdir(), 'k6-runner-')),
    scenario: SCRIPT,
    ...over,
  };
}

const savedEnv = { ...process.env };
beforeEach(() => {
  process.env.PATH = `${STAND_IN_DIR}${delimiter}${savedEnv.PATH}`;
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
});

function useRecording(run: 'passed' | 'threshold-failed', extra: Record<string, string> = {}) {
  process.env.FAKE_K6_FIXTURE = join(FIXTURES, run);
  Object.assign(process.env, extra);
}

describe('the k6 command line', () => {
  it('passes the plan to the script through -e variables and asks for --out json', () => {
    const p = normalizePlan(plan({ maxInFlight: 64, baseUrl: 'http://127.0.0.1:18282/' }));
    const cmd = buildK6Command(p, { k6: '/usr/bin/k6', script: '/repo/load-tests/scenarios/replica-loss.js', sessionsFile: '/m/sessions.json', summaryFile: '/o/summary.json', pointsFile: '/o/points.ndjson' });
    expect(cmd.command).toBe('/usr/bin/k6');
    expect(cmd.args).toEqual([
      'run',
      '--quiet',
      '--no-color',
      '--address',
      '',
      '--no-usage-report',
      '--out',
      'json=/o/points.ndjson',
      '-e',
      'BASE_URL=http://127.0.0.1:18282',
      '-e',
      `LOAD_PLAN=${JSON.stringify(RECORDED_PHASES)}`,
      '-e',
      'SESSIONS_FILE=/m/sessions.json',
      '-e',
      'SUMMARY_FILE=/o/summary.json',
      '-e',
      'K=10',
      '-e',
      'TIMEOUT_MS=1500',
      '-e',
      'MAX_VUS=64',
      '/repo/load-tests/scenarios/replica-loss.js',
    ]);
  });
});

describe('choosing the engine', () => {
  it('finds k6 on PATH', () => {
    expect(findOnPath('k6')).toBe(join(STAND_IN_DIR, 'k6'));
    expect(findOnPath('k6', '/nonexistent')).toBeNull();
  });

  it('auto takes k6 when it is on PATH and a script is named, the built-in engine otherwise', () => {
    expect(chooseEngine('auto', SCRIPT)).toMatchObject({ engine: 'k6', k6Path: join(STAND_IN_DIR, 'k6') });
    expect(chooseEngine('auto', undefined)).toMatchObject({ engine: 'builtin', reason: 'k6 is on PATH but the runbook names no k6 script' });
    process.env.PATH = '/nonexistent';
    expect(chooseEngine('auto', SCRIPT)).toMatchObject({ engine: 'builtin', reason: 'k6 is not on PATH' });
    expect(chooseEngine('builtin', SCRIPT).engine).toBe('builtin');
  });

  it('says how to get k6 when k6 is asked for and missing', () => {
    process.env.PATH = '/nonexistent';
    expect(() => chooseEngine('k6', SCRIPT)).toThrow(LoadEngineUnavailable);
    expect(() => startLoad(plan(), { engine: 'k6' })).toThrow(/`k6` is not on PATH: install k6 .* or use the built-in engine \(--load builtin\)/);
  });

  it('refuses a k6 run without a script that exists', () => {
    expect(() => startLoad(plan({ scenario: undefined }), { engine: 'k6' })).toThrow(/scenario: expected a k6 script/);
    expect(() => startLoad(plan({ scenario: 'load-tests/scenarios/no-such-drill.js' }), { engine: 'k6' })).toThrow(/scenario: expected an existing k6 script/);
  });
});

describe('running k6 (stand-in replaying real k6 v0.48 output)', () => {
  it('maps exit code 99 to thresholds crossed and reads the run through the one reader', async () => {
    useRecording('threshold-failed');
    const p = plan();
    const run = startLoad(p, { engine: 'auto' });
    expect(run.engine).toBe('k6');
    const outcome = await run.done;
    expect(outcome).toMatchObject({ engine: 'k6', status: 'thresholds-crossed', exitCode: 99 });
    expect(outcome.summaryFile).toBe(join(p.outDir, 'summary.json'));
    // What k6 was started with.
    const argv = JSON.parse(readFileSync(join(p.outDir, 'k6-argv.json'), 'utf8')) as string[];
    expect(argv[0]).toBe('run');
    expect(argv.at(-1)).toMatch(/\/load-tests\/scenarios\/replica-loss\.js$/);
    expect(argv).toContain(`SESSIONS_FILE=${SESSIONS}`);
    // The outputs read exactly as the recorded real k6 files do.
    const viaRunner = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    const recorded = await readLoadResult(join(FIXTURES, 'threshold-failed/handle-summary.json'), join(FIXTURES, 'threshold-failed/points.ndjson.gz'));
    expect(viaRunner.thresholds).toEqual(recorded.thresholds);
    expect(viaRunner.thresholdsOk).toBe(false);
    // Identical apart from sub-microsecond float noise: the stand-in re-times the recording to now.
    expect(viaRunner.phases.map(({ firstMs, lastMs, throughputRps, ...rest }) => rest)).toEqual(recorded.phases.map(({ firstMs, lastMs, throughputRps, ...rest }) => rest));
    viaRunner.phases.forEach((x, i) => {
      expect(x.firstMs).toBeCloseTo(recorded.phases[i].firstMs!, 2);
      expect(x.throughputRps).toBeCloseTo(recorded.phases[i].throughputRps!, 4);
    });
    expect(viaRunner.samples.length).toBe(recorded.samples.length);
    // Phase windows follow the plan from k6's first request.
    expect(outcome.windows.map((w) => w.phase)).toEqual(['baseline', 'fault', 'recovery']);
    expect(Date.parse(outcome.windows[1].start) - Date.parse(outcome.windows[0].start)).toBe(5000);
  });

  it('reports a run whose thresholds held as completed (exit 0)', async () => {
    useRecording('passed');
    const outcome = await startLoad(plan(), { engine: 'k6' }).done;
    expect(outcome).toMatchObject({ status: 'completed', exitCode: 0 });
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(r.thresholdsOk).toBe(true);
    expect(r.totals.requests).toBe(803);
  });

  it('stops k6 with SIGINT on stop(); k6’s summary is still read and the run is reported stopped (105)', async () => {
    useRecording('passed', { FAKE_K6_SPEED: '1' });
    const run = startLoad(plan(), { engine: 'k6' });
    await new Promise((r) => setTimeout(r, 1500));
    await run.stop('Ctrl-C');
    const outcome = await run.done;
    expect(outcome).toMatchObject({ status: 'stopped', exitCode: 105, stopReason: 'Ctrl-C' });
    const r = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(r.totals.requests).toBeGreaterThan(0);
    expect(r.totals.requests).toBeLessThan(803);
    expect(outcome.windows.map((w) => w.phase)).toEqual(['baseline']);
  });

  it('reports a k6 that dies without a summary as failed, with what it printed', async () => {
    useRecording('passed', { FAKE_K6_EXIT: '107', FAKE_K6_NO_SUMMARY: '1', FAKE_K6_STDERR: 'ReferenceError: recommend is not defined' });
    const outcome = await startLoad(plan(), { engine: 'k6' }).done;
    expect(outcome.status).toBe('failed');
    expect(outcome.exitCode).toBe(107);
    expect(outcome.error).toMatch(/k6 script exception: ReferenceError: recommend is not defined/);
  });

  it('reports a test aborted in setup() before any request as setup-failed (108)', async () => {
    useRecording('passed', { FAKE_K6_EXIT: '108', FAKE_K6_NO_POINTS: '1', FAKE_K6_STDERR: 'test aborted: target not ready: GET http://127.0.0.1:18282/readyz -> HTTP 503' });
    const outcome = await startLoad(plan(), { engine: 'k6' }).done;
    expect(outcome).toMatchObject({ status: 'setup-failed', exitCode: 108, windows: [] });
    expect(outcome.error).toMatch(/target not ready/);
  });

  it('follows the run live from its points: phases as they start, ticks with completed requests and errors', async () => {
    // Replayed 8x faster than recorded, so the plan's phases are 8x shorter too.
    useRecording('threshold-failed', { FAKE_K6_SPEED: '8', FAKE_K6_HOLD_MS: '1200' });
    const fast = RECORDED_PHASES.map((p) => ({ ...p, durationS: p.durationS / 8 }));
    const run = startLoad(plan({ phases: fast, liveWindowS: 3 }), { engine: 'k6' });
    const phases: LoadPhaseName[] = [];
    const ticks: LoadTick[] = [];
    run.onPhase((p) => phases.push(p));
    run.onTick((t) => ticks.push(t));
    const outcome = await run.done;
    expect(outcome.status).toBe('thresholds-crossed');
    expect(phases).toEqual(['baseline', 'fault', 'recovery']);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    const last = ticks[ticks.length - 1];
    expect(last.completed).toBe(803);
    expect(last.errors).toBe(58);
    expect(last.window.errorRate).toBeGreaterThan(0);
  });
});
