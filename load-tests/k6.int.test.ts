// Runs the real k6 binary on a drill script against a local stand-in target. k6 is not installable
// on the development machines, so this test is skipped there and runs where `k6` is on PATH (CI
// images with k6 v0.48+). It is the check that the scripts work under real k6, end to end through
// the drill engine's k6 runner and its one reader.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOnPath } from '../services/drill-controller/src/load/k6/which.js';
import { readLoadResult, startLoad } from '../services/drill-controller/src/load/index.js';
import { startTarget } from '../services/drill-controller/src/load/__fixtures__/targetServer.js';

const K6 = findOnPath('k6');
const SESSIONS = fileURLToPath(new URL('../services/drill-controller/src/load/__fixtures__/sessions.json', import.meta.url));

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
      expect(r.phases.map((p) => [p.phase, p.requests, p.errors])).toEqual([
        ['baseline', 20, 0],
        ['fault', 20, 0],
        ['recovery', 20, 0],
      ]);
      expect(r.phases[0].degraded).toBe(5); // u-2 is one template in four
      expect(r.samples.filter((s) => s.degraded)).toHaveLength(10);
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
