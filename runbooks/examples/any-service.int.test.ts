/**
 * Drilling a service Drillbook does not control (issue 15): reference replicas started with their
 * admin API off, a front door, `drillbook proxy` as a sidecar in front of one replica, and a restart
 * loop with a pid file around the other (scripts/any-service/target.ts). The drills speak oip-v2
 * (`POST /v2/models/recsys-two-tower/infer`): their proxy faults match only the OIP infer path (a path glob), so a
 * non-zero count of affected requests also shows the load used that protocol. Every drill runs through
 * the real CLI (`drillbook run --quick --target`) and is judged from its scorecard:
 * - latency, errors and corrupted ranking through the proxy each pass with the proof coming from
 *   the proxy (its count of affected requests), and each FAILS on the right objective when the
 *   service's defence is removed (per-try deadline, retries + fallback, the second replica);
 * - a SIGKILL of a process the reference runner does not supervise, proven by pid evidence.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runDrill, startForeignService, type DrillOutcome, type ForeignService } from '../../scripts/any-service/target.js';

const EX = join(REPO, 'runbooks', 'examples');
let svc: ForeignService;

beforeAll(async () => {
  svc = await startForeignService();
}, 240_000);

afterAll(async () => {
  await svc?.stop();
}, 60_000);

function objective(r: DrillOutcome, name: string) {
  const o = r.objectives.find((x) => x.name === name);
  if (!o) throw new Error(`no objective "${name}" in ${JSON.stringify(r.objectives)}`);
  return o;
}

function explain(r: DrillOutcome): string {
  return `${r.status}: ${r.statusReason}\n${JSON.stringify(r.objectives)}\n${r.output.slice(-1500)}`;
}

/** The proxy's own count of requests a fault acted on, as journaled in the proof. */
function proxyApplied(r: DrillOutcome): number {
  const m = r.evidence.map((e) => /^proxy applied fault \S+ to ([0-9]+) request/.exec(e)).find(Boolean);
  return m ? Number(m[1]) : 0;
}

async function proxyFaults(): Promise<unknown[]> {
  const res = await fetch(`${svc.proxyAdminUrl}/faults`, { headers: { authorization: `Bearer ${svc.env.DRILLBOOK_PROXY_ADMIN_TOKEN}` } });
  return ((await res.json()) as { faults: unknown[] }).faults;
}

async function drill(file: string, name: string, mutation?: { overrides?: Record<string, unknown>; upstreams?: Array<'a' | 'b'> }): Promise<DrillOutcome> {
  await svc.restartGateway(mutation?.overrides ?? {}, mutation?.upstreams);
  const r = await runDrill(svc, join(EX, file), name);
  // Whatever the outcome, the drill left no fault behind at the proxy.
  expect(await proxyFaults()).toEqual([]);
  return r;
}

describe('a service behind drillbook proxy, replicas with their admin API off', () => {
  it('the replicas really offer no fault API: every fault goes through the proxy', async () => {
    const res = await fetch(`${svc.replicaA}/admin/faults`, { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(404);
  });

  it('latency: passes with proof from the proxy; fails on client p99 once the per-try deadline is removed', async () => {
    const ok = await drill('proxy-latency.yaml', 'latency');
    expect(ok.status, explain(ok)).toBe('passed');
    expect(ok.proven).toBe(true);
    expect(proxyApplied(ok)).toBeGreaterThan(0);
    const mutated = await drill('proxy-latency.yaml', 'latency-no-deadline', { overrides: { tryTimeoutMs: 2500 } });
    // A missed latency objective on a host too busy for the load generator to keep its schedule is
    // `invalid` by design (scorecard/steps/trust.ts): the latency is then the generator's as much as
    // the service's. The objective itself must be missed either way.
    if (mutated.status === 'invalid') expect(mutated.statusReason, explain(mutated)).toMatch(/^load generator saturated/);
    else expect(mutated.status, explain(mutated)).toBe('failed');
    expect(mutated.proven).toBe(true);
    expect(objective(mutated, 'client p99 during the fault').status).toBe('missed');
    expect(objective(mutated, 'client p99 during the fault').value).toBeGreaterThan(1500);
  });

  it('errors: passes with proof from the proxy; fails on availability without retries and fallback', async () => {
    const ok = await drill('proxy-errors.yaml', 'errors');
    expect(ok.status, explain(ok)).toBe('passed');
    expect(proxyApplied(ok)).toBeGreaterThan(0);
    const mutated = await drill('proxy-errors.yaml', 'errors-no-retries', { overrides: { retries: false, fallback: false, ejection: false } });
    expect(mutated.status, explain(mutated)).toBe('failed');
    expect(mutated.proven).toBe(true);
    expect(objective(mutated, 'availability during the fault').status).toBe('missed');
  });

  it('corrupted ranking: passes with proof from the proxy; fails on ranking quality when the healthy replica is gone', async () => {
    const ok = await drill('proxy-corrupt-ranking.yaml', 'corrupt');
    expect(ok.status, explain(ok)).toBe('passed');
    expect(proxyApplied(ok)).toBeGreaterThan(0);
    expect(objective(ok, 'ranking quality during the fault').value).toBeLessThan(0.9); // the corruption is visible, yet bounded
    const mutated = await drill('proxy-corrupt-ranking.yaml', 'corrupt-one-replica', { upstreams: ['a'] });
    expect(mutated.status, explain(mutated)).toBe('failed');
    expect(mutated.proven).toBe(true);
    expect(objective(mutated, 'ranking quality during the fault').status).toBe('missed');
    expect(objective(mutated, 'availability').status).toBe('met'); // empty rankings are not errors: only quality sees them
  });

  it('process kill: SIGKILLs a process the runner does not supervise; proof is the pid gone, a new pid, ready again', async () => {
    const before = Number(readFileSync(svc.pidFile, 'utf8'));
    const r = await drill('process-kill.yaml', 'process-kill');
    expect(r.status, explain(r)).toBe('passed');
    expect(r.proven).toBe(true);
    const after = Number(readFileSync(svc.pidFile, 'utf8'));
    expect(after).not.toBe(before);
    expect(r.evidence).toContain(`model-server-b: process ${before} gone after SIGKILL`);
    expect(r.evidence).toContain(`model-server-b: new pid ${after} (was ${before})`);
    expect(r.evidence.some((e) => e.startsWith('model-server-b: ready again'))).toBe(true);
    const journal = JSON.parse(readFileSync(join(r.outDir, 'journal.json'), 'utf8'));
    expect(journal.faults).toMatchObject([{ type: 'process.kill', ttlMs: null, provider: { kind: 'process', name: 'model-server-b', pid: before, action: 'kill' } }]);
  });
});
