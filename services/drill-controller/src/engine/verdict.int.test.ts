/**
 * Verdict trust on real drills (embedded stack, real processes on 127.0.0.1): a load generator
 * starved on purpose makes the drill `invalid`, never `failed`; `--repeat` runs a drill N times and
 * says how often the verdict agreed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scorecard } from '@drillbook/contracts';
import { Drill } from './executor.js';
import { loadRunbook } from '../runbook/validate.js';

const REPO = join(import.meta.dirname, '../../../..');
const CLI = join(REPO, 'services/drill-controller/bin/drillbook.js');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'drillbook-verdict-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Blocks this process's event loop (where the built-in engine runs) for `blockMs` of every `everyMs`. */
function starveEventLoop(blockMs: number, everyMs: number): () => void {
  const t = setInterval(() => {
    const until = performance.now() + blockMs;
    while (performance.now() < until) {
      /* busy: the generator cannot send on time */
    }
  }, everyMs);
  return () => clearInterval(t);
}

describe('verdicts on real drills', () => {
  it('a load generator starved on purpose gives invalid (load generator saturated), not failed, with its lag in the scorecard', async () => {
    // Stalled for 320 ms of every 350: latency measured from the schedule then misses the 250 ms
    // objective on a healthy service — which must come out invalid, not failed.
    const out = tmp();
    const loaded = loadRunbook(join(REPO, 'runbooks/replica-loss.yaml'));
    const drill = new Drill(loaded, { outDir: out, quick: true, loadEngine: 'builtin', autoAck: true });
    let stop: (() => void) | null = null;
    drill.events.on((e) => {
      // Starve the generator once the load runs (the stack's own processes are not affected).
      if (e.type === 'phase' && e.data?.loadPhase === 'baseline' && !stop) stop = starveEventLoop(320, 350);
    });
    const r = await drill.run().finally(() => (stop as (() => void) | null)?.());
    const sc = r.scorecard;
    expect(sc.status, sc.statusReason).toBe('invalid');
    expect(sc.statusReason).toMatch(/^load generator saturated: .*send lag p99 [\d.]+ ms > [\d.]+ ms/);
    expect(sc.load.generator.saturated).toBe(true);
    expect(sc.load.generator.schedLagP99Ms!).toBeGreaterThan(25);
    expect(sc.objectives.some((o) => o.verdict === 'missed' || o.verdict === 'inconclusive'), 'the stall did distort a latency objective').toBe(true);
    expect(r.exitCode).toBe(2);
    // The report shows the generator's lag beside the service's latency.
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/generator lag p99 ms[\s\S]*load generator saturated/);
  }, 180_000);

  it('drillbook run --repeat 2 runs the drill twice and writes repeat.json with the verdict agreement', () => {
    const out = tmp();
    const r = spawnSync(process.execPath, [CLI, 'run', 'runbooks/replica-loss.yaml', '--quick', '--yes', '--load', 'builtin', '--repeat', '2', '--out', out], { cwd: REPO, encoding: 'utf8', timeout: 300_000 });
    expect(existsSync(join(out, 'repeat.json')), r.stderr + r.stdout).toBe(true);
    const rep = JSON.parse(readFileSync(join(out, 'repeat.json'), 'utf8'));
    expect(rep.runs).toHaveLength(2);
    const statuses = rep.runs.map((x: { status: string }) => x.status);
    for (const [i, x] of rep.runs.entries()) {
      const sc = JSON.parse(readFileSync(join(out, x.dir, 'scorecard.json'), 'utf8')) as Scorecard;
      expect(sc.status).toBe(statuses[i]);
    }
    expect(rep.verdictAgreement).toBe(statuses[0] === statuses[1] ? 1 : 0.5);
    expect(rep.flips).toBe(statuses[0] !== statuses[1]);
    expect(rep.objectives.map((o: { name: string }) => o.name)).toContain('no failed requests');
    expect(r.stdout).toMatch(/replica-loss: 2 runs/);
    expect(r.status).toBe(statuses.every((s: string) => s === 'passed') ? 0 : statuses.filter((s: string) => s === 'failed').length === 2 ? 1 : 2);
  }, 320_000);

  it('refuses a --repeat that is not a whole number from 1 to 100', () => {
    const r = spawnSync(process.execPath, [CLI, 'run', 'runbooks/replica-loss.yaml', '--quick', '--repeat', '0'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--repeat must be a whole number from 1 to 100, got "0"/);
  });
});
