/**
 * The game-day suite proves itself both ways: on the healthy reference stack every drill passes, and
 * for every drill a configuration that breaks the property it guards makes it fail on the objective
 * that guards that property. A drill that cannot fail is a defect.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedStackSpec, Scorecard } from '@drillbook/contracts';
import { prometheusBinary } from '@drillbook/alerts';
import { Drill, loadRunbook } from '@drillbook/drill-controller';
import { MUTATIONS } from './mutations.js';

const REPO = join(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'drillbook-gameday-'));
  dirs.push(d);
  return d;
};

function merge(base: EmbeddedStackSpec | undefined, over: EmbeddedStackSpec): EmbeddedStackSpec {
  return { ...base, ...over, gateway: { ...base?.gateway, ...over.gateway }, replica: { ...base?.replica, ...over.replica }, ...(base?.modelStore || over.modelStore ? { modelStore: { ...base?.modelStore, ...over.modelStore } } : {}) };
}

/** What a failing drill went through, for the failure message: per-phase figures and the slow steps. */
function explain(out: string, drills: Array<Record<string, unknown>>): string {
  return drills
    .filter((d) => d.status !== 'passed')
    .map((d) => {
      const sc = JSON.parse(readFileSync(join(out, String(d.scorecard)), 'utf8')) as Scorecard;
      const phases = sc.phases.map((p) => `${p.phase}: ${p.requests} req, ${p.errors} errors, p50/p99 ${p.latencyMs.p50?.toFixed(0)}/${p.latencyMs.p99?.toFixed(0)} ms, degraded ${p.degraded}`);
      const steps = sc.timeline.map((t) => `${t.startS.toFixed(1)}-${t.endS?.toFixed(1) ?? '?'} s ${t.name}: ${t.status}${t.error ? ` (${t.error})` : ''}`);
      const errors = sc.series.t.filter((_, i) => (sc.series.errorRate[i] ?? 0) > 0).map((t) => `${t}s`);
      return [`${d.runbook}: ${d.status_reason}`, ...phases, `seconds with errors: ${errors.join(' ') || 'none'}`, ...steps].join('\n  ');
    })
    .join('\n');
}

/** A status that says the drill could not judge the service (the host or the generator was the weak part, or the samples could not decide). */
const undecided = (status: unknown, reason: unknown) => status === 'inconclusive' || (status === 'invalid' && /^load generator saturated/.test(String(reason)));

describe('game-day suite on the healthy reference stack', () => {
  it('passes every drill (drillbook gameday --quick) and writes suite.json and suite.html', () => {
    const out = tmp();
    const r = spawnSync(process.execPath, [join(REPO, 'services/drill-controller/bin/drillbook.js'), 'gameday', '--quick', '--load', 'builtin', '--out', out], { cwd: REPO, encoding: 'utf8', timeout: 15 * 60_000 });
    const suite = JSON.parse(readFileSync(join(out, 'suite.json'), 'utf8')) as { passed: number; total: number; drills: Array<Record<string, unknown>> };
    expect(suite.total).toBe(13);
    for (const d of suite.drills) expect(Object.keys(d)).toEqual(expect.arrayContaining(['runbook', 'status', 'score', 'time_to_recover_s', 'time_to_detect_s', 'detected_by', 'error_budget_consumed', 'ndcg_ratio', ...(prometheusBinary() ? ['alerts'] : [])]));
    expect(readFileSync(join(out, 'suite.html'), 'utf8')).toMatch(new RegExp(`Game day: ${suite.passed} of 13 drills passed`));
    // A healthy service never fails a drill. A drill that could not judge it on this machine (its
    // load generator starved, or too few samples to decide) says so instead of passing or failing:
    // it is run again on its own, and must pass or stay undecided — never fail.
    const failing = suite.drills.filter((d) => d.status !== 'passed' && !undecided(d.status, d.status_reason)).map((d) => `${d.runbook}: ${d.status} — ${d.status_reason}`);
    expect(failing, failing.length ? explain(out, suite.drills) : '').toEqual([]);
    for (const d of suite.drills.filter((x) => x.status !== 'passed')) {
      let last = { status: d.status, reason: d.status_reason };
      for (let attempt = 0; attempt < 2 && last.status !== 'passed'; attempt++) {
        const again = join(out, `${d.runbook}-again-${attempt}`);
        spawnSync(process.execPath, [join(REPO, 'services/drill-controller/bin/drillbook.js'), 'run', `runbooks/${d.runbook}.yaml`, '--quick', '--yes', '--load', 'builtin', '--out', again], { cwd: REPO, encoding: 'utf8', timeout: 5 * 60_000 });
        const sc = JSON.parse(readFileSync(join(again, 'scorecard.json'), 'utf8')) as Scorecard;
        last = { status: sc.status, reason: sc.statusReason };
        expect(sc.status === 'passed' || undecided(sc.status, sc.statusReason), `${d.runbook} run again: ${sc.status} — ${sc.statusReason}`).toBe(true);
      }
      if (last.status !== 'passed') console.warn(`${d.runbook} stayed undecided on this machine: ${last.status} — ${last.reason}`);
    }
    expect(r.status).toBe(suite.passed === 13 ? 0 : 1);
  }, 30 * 60_000);
});

const MODEL_STORE_DRILLS = ['model-store-corrupt-artifact', 'model-store-disk-loss', 'model-store-down-deploy', 'model-store-down-scale-out'];

describe('the model store drills (issue 23) on the healthy reference stack with a model store', () => {
  it('pass with --quick, on one shared stack, and leave nothing behind', () => {
    const out = tmp();
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [join(REPO, 'services/drill-controller/bin/drillbook.js'), 'gameday', '--quick', '--load', 'builtin', '--only', MODEL_STORE_DRILLS.join(','), '--out', out], { cwd: REPO, encoding: 'utf8', timeout: 10 * 60_000 });
    const suite = JSON.parse(readFileSync(join(out, 'suite.json'), 'utf8')) as { passed: number; total: number; durationS: number; drills: Array<Record<string, unknown>> };
    console.log(`model store drills --quick: ${suite.passed}/${suite.total} passed in ${suite.durationS} s (wall ${((Date.now() - t0) / 1000).toFixed(1)} s)\n${suite.drills.map((d) => `  ${d.runbook}: ${d.status} — ${d.status_reason}`).join('\n')}`);
    expect(suite.drills.map((d) => d.runbook).sort()).toEqual(MODEL_STORE_DRILLS);
    const failing = suite.drills.filter((d) => d.status !== 'passed' && !undecided(d.status, d.status_reason)).map((d) => `${d.runbook}: ${d.status} — ${d.status_reason}`);
    expect(failing, failing.length ? explain(out, suite.drills) : r.stdout.slice(-3000)).toEqual([]);
    // Every drill's rollback left the store running and intact, and no added replica behind: the next
    // drill on the shared stack started from a healthy target (its preflight checks every replica).
    for (const d of suite.drills) {
      const sc = JSON.parse(readFileSync(join(out, String(d.scorecard)), 'utf8')) as Scorecard;
      expect(sc.proof.valid, `${d.runbook}: the fault was seen at the target and the load arrived`).toBe(true);
      const undo = sc.timeline.find((t) => t.name === 'undo what the drill did');
      expect(undo?.status, `${d.runbook}: undo`).toBe('succeeded');
    }
  }, 12 * 60_000);
});

describe('each drill fails when the property it guards is broken', () => {
  it.each(MUTATIONS)('$drill with $why fails on $objective', async ({ drill, stack, objective }) => {
    const loaded = loadRunbook(join(REPO, 'runbooks', `${drill}.yaml`));
    loaded.runbook.stack = merge(loaded.runbook.stack, stack);
    // A drill whose load generator starved on this machine could not judge the service: run it again
    // (at most twice). Only a starved generator earns a retry; the broken property must then fail it.
    let sc: Scorecard = (await new Drill(loaded, { outDir: tmp(), quick: true, loadEngine: 'builtin', autoAck: true }).run()).scorecard;
    for (let attempt = 0; attempt < 2 && sc.status === 'invalid' && /^load generator saturated/.test(sc.statusReason); attempt++) {
      console.warn(`${drill}: ${sc.statusReason}; running it again`);
      sc = (await new Drill(loaded, { outDir: tmp(), quick: true, loadEngine: 'builtin', autoAck: true }).run()).scorecard;
    }
    const o = sc.objectives.find((x) => x.name === objective);
    expect(o, `objective "${objective}" exists`).toBeTruthy();
    expect(o!.verdict, `${sc.status}: ${sc.statusReason}`).not.toBe('met');
    expect(sc.status, sc.statusReason).toBe('failed');
    expect(sc.proof.valid, 'the drill was real: fault seen and load delivered').toBe(true);
  }, 12 * 60_000);
});
