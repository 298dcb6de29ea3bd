import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { durationMs, loadPhases, loadRunbook, runbookFiles } from '@drillbook/drill-controller';
import { MUTATIONS } from './mutations.js';
import { drillThresholds } from '../load-tests/lib/drills.js';

const DIR = import.meta.dirname;
const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
const norm = (s: string) => s.replace(/`/g, '').replace(/\s+/g, ' ').trim();
const suite = runbookFiles([DIR]).map((f) => loadRunbook(f).runbook);

describe('the game-day suite', () => {
  it('has the thirteen drills', () => {
    expect(suite.map((r) => r.metadata.name).sort()).toEqual(
      ['accelerator-saturation', 'bad-model-deploy', 'data-drift', 'dependency-outage', 'model-load-failure', 'model-store-corrupt-artifact', 'model-store-disk-loss', 'model-store-down-deploy', 'model-store-down-scale-out', 'model-store-loss', 'overload', 'replica-loss', 'zone-loss'],
    );
  });

  it.each(suite.map((r) => [r.metadata.name, r] as const))('%s says what on-call should do if it fails, the same in the runbook and the README', (name, rb) => {
    expect(rb.onFailure).toBeTruthy();
    const m = new RegExp(`## ${name}\\n([\\s\\S]*?)(?=\\n## |$)`).exec(readme);
    expect(m, `README section ## ${name}`).toBeTruthy();
    const words = (s: string) => norm(s).split(' ').filter((w) => w.length > 3);
    // The README section carries the same guidance (same key words) as the runbook's onFailure.
    const section = new Set(words(m![1]));
    const missing = words(rb.onFailure!).filter((w) => !section.has(w));
    expect(missing.length / words(rb.onFailure!).length).toBeLessThan(0.25);
  });

  it.each(suite.map((r) => [r.metadata.name, r] as const))('%s names an existing k6 scenario and has a mutation that must make it fail', (name, rb) => {
    expect(rb.load.scenario).toBe(`load-tests/scenarios/${name}.js`);
    expect(existsSync(join(DIR, '..', rb.load.scenario!))).toBe(true);
    const m = MUTATIONS.find((x) => x.drill === name);
    expect(m, `mutation for ${name}`).toBeTruthy();
    expect(rb.objectives.map((o) => o.name)).toContain(m!.objective);
  });

  // A fault the steps inject and later clear lasts (at least) the waits between the two. Objectives
  // that need the fault to dominate the fault phase ("at least half the answers degraded") only hold
  // if it does so in both profiles: the full one once read 38% against >= 50% while --quick passed.
  it.each(suite.map((r) => [r.metadata.name, r] as const))('%s: a fault cleared within the fault phase lasts long enough for its fault-phase share objectives, quick and full', (name, rb) => {
    const steps = rb.steps.filter((x) => (x.phase ?? 'fault') === 'fault');
    const inject = steps.findIndex((x) => x.kind === 'fault.inject');
    const clear = steps.findIndex((x, i) => i > inject && x.kind === 'fault.clear');
    if (inject < 0 || clear < 0) return;
    const outageS = steps.slice(inject, clear).reduce((t, x) => t + (x.kind === 'wait' ? durationMs(x.duration) / 1000 : 0), 0);
    for (const quick of [true, false]) {
      const faultS = loadPhases(rb, quick).find((p) => p.phase === 'fault')!.durationS;
      expect(outageS, `${quick ? 'quick' : 'full'}: the steps outlast the fault phase`).toBeLessThanOrEqual(faultS);
      for (const o of rb.objectives.filter((x) => x.phase === 'fault' && x.sli === 'degraded_share' && x.op === '>=')) {
        expect(outageS / faultS, `${quick ? 'quick' : 'full'}: a ${outageS}s outage in a ${faultS}s fault phase vs "${o.name}" >= ${o.target}`).toBeGreaterThanOrEqual(o.target);
      }
    }
  });

  // The load's thresholds (k6 exit 99, or the built-in engine's verdict) fail a drill on their own, so
  // one stricter than the runbook's objective for the same phase would fail a drill whose objectives
  // all hold, and the scorecard would contradict itself.
  it.each(suite.map((r) => [r.metadata.name, r] as const))('%s has no load threshold stricter than its own availability objectives', (name, rb) => {
    const thresholds = drillThresholds(name, ['baseline', 'fault', 'recovery']);
    for (const o of rb.objectives.filter((x) => x.sli === 'availability' && x.phase)) {
      for (const expr of thresholds[`http_req_failed{scenario:${o.phase}}`] ?? []) {
        const m = /^rate<=?([\d.]+)$/.exec(expr);
        if (!m) continue;
        expect(Number(m[1]), `${o.phase}: threshold ${expr} vs objective "${o.name}" >= ${o.target}`).toBeGreaterThanOrEqual(1 - o.target - 1e-9);
      }
    }
  });
});
