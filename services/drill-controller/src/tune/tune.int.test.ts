/**
 * `drillbook tune` end to end on the embedded reference stack: a two-candidate space (max batch 2 or
 * 4 on an emulated 25 ms accelerator), each candidate on a fresh stack, the rate search with real
 * load, the best candidate drilled (replica-loss, --quick), and the three files written. Rates are
 * capped low (at most 80 req/s) so it runs in a few minutes on a loaded 2-core host.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStackConfig } from '@drillbook/contracts';
import type { TuneResult } from './tune.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'drillbook-tune-int-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'services/drill-controller/bin/drillbook.js'), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('drillbook tune on the embedded stack', () => {
  it('measures two candidates on fresh stacks, drills the best and writes tune.json, report.html and recommended.json', { timeout: 600_000 }, async () => {
    const space = join(dir, 'space.yaml');
    writeFileSync(
      space,
      [
        'apiVersion: drillbook.dev/v1',
        'kind: TuneSpace',
        'base: { replicas: 3, replica: { batchMs: 25 } }',
        'knobs:',
        '  maxBatch: { values: [2, 4] }',
        'default: { maxBatch: 2 }',
        'search: { finalists: 1 }',
        'rates: { startRps: 20, maxRps: 80, stepS: 3, warmupS: 1, refineSteps: 0 }',
        'drills: [replica-loss]',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const r = await runCli(['tune', '--space', space, '--budget-min', '6', '--out', out]);
    expect([0, 1], r.out).toContain(r.code);
    for (const f of ['tune.json', 'report.html', 'recommended.json']) expect(existsSync(join(out, f)), f).toBe(true);

    const t = JSON.parse(readFileSync(join(out, 'tune.json'), 'utf8')) as TuneResult;
    expect(t.strategy).toBe('grid');
    expect(t.candidates.map((c) => c.assignment.maxBatch).sort()).toEqual([2, 4]);
    expect(t.candidates.find((c) => c.isDefault)?.assignment.maxBatch).toBe(2);
    for (const c of t.candidates) {
      expect(c.measurement.steps.length, c.key).toBeGreaterThan(0); // the rate search sent real load
      expect(c.measurement.steps[0].offeredRps).toBe(20); // the same plan for every candidate
      expect(c.measurement.steps[0].requests).toBeGreaterThan(0);
    }
    const measurable = t.candidates.filter((c) => c.measurement.compliantRps > 0);
    expect(t.drilled).toBe(Math.min(1, measurable.length));
    if (t.drilled) {
      const finalist = t.candidates.find((c) => c.drills)!;
      expect(finalist.rank).toBe(1);
      expect(finalist.drills!.map((d) => d.runbook)).toEqual(['replica-loss']);
      expect(!!finalist.rejected).toBe(finalist.drills![0].status !== 'passed');
      expect(r.code).toBe(t.proven ? 0 : 1);
    }

    // recommended.json is a StackConfig the stack accepts, holding the recommended (or default) candidate's settings.
    const rec = parseStackConfig(readFileSync(join(out, 'recommended.json'), 'utf8'), 'recommended.json');
    const chosen = t.candidates.find((c) => c.key === (t.recommendedKey ?? t.defaultKey))!;
    expect(rec.spec.replica?.maxBatch).toBe(chosen.assignment.maxBatch);
    expect(rec.spec.replica?.batchMs).toBe(25);
    expect(rec.spec.replicas).toBe(3);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('data-testid="ranked-table"');
    expect(html.match(/data-testid="candidate-row"/g)).toHaveLength(2);
    expect(html).toContain('data-testid="pareto-chart"');
    expect(r.out).toMatch(/default \d+ req\/s · recommended \d+ req\/s · gain/);
  });
});
