/**
 * The drill engine on an in-memory target and load (fixtures/fakeTarget.ts): phase order, the abort
 * path, guardrail debounce, rollback and the maximum duration, in milliseconds and without a stack.
 * The real-process behaviour is covered by drill.int.test.ts; these pin the engine's own logic.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DrillEvent, Runbook } from '@drillbook/contracts';
import { parseRunbook } from '../runbook/validate.js';
import { Drill } from './executor.js';
import { fakeLoad, fakeTarget } from './__fixtures__/fakeTarget.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'drillbook-engine-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const RUNBOOK = (extra: { guardrails?: string; steps?: string; rollback?: string; steadyState?: string } = {}) => `
apiVersion: drillbook.dev/v1
kind: Runbook
metadata: { name: engine-test, title: Engine test, owner: team }
target: { service: recsys-reference }
hypothesis: a latency fault on one replica costs nothing
load: { profile: average, rate: 20, phases: { baseline: 2s, fault: 3s, recovery: 2s } }
objectives:
  - { name: availability during the fault, sli: availability, phase: fault, op: ">=", target: 0.99 }
guardrails:
${extra.guardrails?.includes('maxDuration') ? '' : '  maxDuration: 2m'}
  blastRadius: { maxReplicas: 1 }
${extra.guardrails ?? ''}
${extra.steadyState ?? ''}
steps:
${extra.steps ?? '  - { kind: fault.inject, name: slow r1, target: "replica:r1", fault: { type: latency, latencyMs: 50 }, ttl: 30s }'}
rollback:
${extra.rollback ?? '  []'}
`;

function drill(yaml: string, load = fakeLoad(), edit?: (rb: Runbook) => void) {
  const dir = tmp();
  const target = fakeTarget(join(dir, 'target'));
  const loaded = { runbook: parseRunbook(yaml, 'engine-test.yaml'), file: 'engine-test.yaml', source: yaml, sha256: 'a'.repeat(64) };
  edit?.(loaded.runbook);
  const events: DrillEvent[] = [];
  const d = new Drill(loaded, { outDir: join(dir, 'out'), target, autoAck: true, startLoad: load.startLoad as never, observers: [(e) => events.push(e)] });
  const phases = () => events.filter((e) => e.type === 'phase' && e.message.startsWith('phase ')).map((e) => e.message.slice(6));
  return { d, target, events, phases, load };
}

describe('drill engine on an in-memory target', () => {
  it('runs the phases in order, injects at the fault phase, clears in rollback and passes', async () => {
    const { d, target, phases, load } = drill(RUNBOOK());
    const r = await d.run();
    expect(phases()).toEqual(['load', 'validate', 'preflight', 'steady-state-before', 'method', 'steady-state-after', 'rollback', 'journal', 'scorecard']);
    expect(load.started).toHaveLength(1);
    expect(target.calls).toContain('inject latency r1');
    expect(target.active.size).toBe(0);
    expect(r.journal.faults[0]).toMatchObject({ type: 'latency', replica: 'r1', clearedBy: 'rollback' });
    expect(r.scorecard.status, r.scorecard.statusReason).toBe('passed');
    expect(r.scorecard.proof.faultObserved.ok).toBe(true);
    // A target the caller handed in is not the drill's to close.
    expect(target.closed).toBe(false);
  });

  it('an abort during the fault phase stops the load, skips what is left and still rolls back', async () => {
    const { d, target, phases, events } = drill(RUNBOOK(), fakeLoad({ phaseMs: 200 }));
    events.length = 0;
    d.events.on((e) => {
      if (e.type === 'fault') setTimeout(() => d.abort('api', 'stop requested'), 5);
    });
    const r = await d.run();
    expect(r.scorecard.status).toBe('aborted');
    expect(r.scorecard.statusReason).toBe('aborted by api: stop requested');
    expect(phases()).not.toContain('steady-state-after');
    expect(phases()).toContain('rollback');
    expect(target.active.size).toBe(0);
    expect(r.journal.faults[0].clearedBy).toBe('abort');
    expect(r.exitCode).toBe(2);
  });

  it('a guardrail aborts only once its condition has held for its debounce, not on a blip', async () => {
    const guard = `  abortWhen:\n    - { name: errors, sli: error_rate, op: ">=", threshold: 0.5, for: 150ms }`;
    // A 60 ms blip of errors: below the debounce, no abort.
    const blip = drill(RUNBOOK({ guardrails: guard }), fakeLoad({ phaseMs: 150, tick: (p, ms) => (p === 'fault' && ms > 160 && ms < 220 ? { errorRate: 0.9 } : {}) }));
    expect((await blip.d.run()).scorecard.status).toBe('passed');
    // Errors from the fault phase on: abort by the guardrail, with its reason, and the fault cleared.
    const held = drill(RUNBOOK({ guardrails: guard }), fakeLoad({ phaseMs: 400, tick: (p) => (p === 'fault' ? { errorRate: 0.9 } : {}) }));
    const r = await held.d.run();
    expect(r.scorecard.status).toBe('aborted');
    expect(r.scorecard.abort?.source).toBe('guardrail');
    expect(r.scorecard.statusReason).toMatch(/errors/);
    expect(held.target.active.size).toBe(0);
  });

  it('rollback steps run after an abort, and undo resumes a paused replica', async () => {
    const { d, target } = drill(
      RUNBOOK({
        steps: '  - { kind: process.pause, name: pause r1, target: "replica:r1" }\n  - { kind: human.ack, name: carry on?, prompt: "carry on?" }',
        rollback: '  - { kind: probe.http, name: gateway answers, target: gateway, path: /readyz }',
      }),
    );
    // The human says no: the drill aborts at the acknowledgement.
    (d as unknown as { opts: { ack: () => Promise<boolean> } }).opts.ack = async () => false;
    const r = await d.run();
    expect(r.scorecard.status).toBe('aborted');
    expect(r.scorecard.abort?.source).toBe('human');
    expect(target.calls).toContain('process pause r1');
    expect(target.calls).toContain('process resume r1');
    expect(r.journal.activities.find((a) => a.name === 'gateway answers')?.status).toBe('succeeded');
  });

  it('a replica that is not ready stops the drill in preflight: no load, nothing injected', async () => {
    const { d, target, load, phases } = drill(RUNBOOK());
    target.notReady.add('r2');
    const r = await d.run();
    expect(r.scorecard.status).toBe('aborted');
    expect(r.scorecard.statusReason).toMatch(/target not healthy: replica r2 is not ready \(HTTP 503\)/);
    expect(load.started).toHaveLength(0);
    expect(target.calls.filter((c) => c.startsWith('inject'))).toEqual([]);
    expect(phases()).toEqual(['load', 'validate', 'preflight', 'rollback', 'journal', 'scorecard']);
  });

  it('maxDuration aborts a drill whose load outlives it', async () => {
    // The validator refuses a maxDuration shorter than the load; the engine must still enforce it
    // (a load that runs late): set it past validation, on a load played slower than planned.
    const { d, target } = drill(RUNBOOK(), fakeLoad({ phaseMs: 700 }), (rb) => (rb.guardrails.maxDuration = '1s'));
    const r = await d.run();
    expect(r.scorecard.status).toBe('aborted');
    expect(r.scorecard.abort?.source).toBe('max-duration');
    expect(target.active.size).toBe(0);
  });
});
