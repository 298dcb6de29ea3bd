/**
 * Controllers in HA, with real processes: two `drillbook serve` controllers on one real PostgreSQL
 * (Debian's, a throwaway server) and a real reference stack started by this test. A drill started
 * through one controller; that controller SIGKILLed mid-drill; the other takes the drill over
 * (interrupted, rollback run, recorded), and an SSE follower connected to the survivor sees it.
 * The same with PostgreSQL restarted while no controller holds the drill. Plus: 409 from either
 * controller, and an emergency stop engaged on one aborting the drill running on the other.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, startControl } from '@drillbook/stack';
import type { DrillEvent, DrillJournal, DrillSummary, EmergencyStopState, StartDrillResponse } from '@drillbook/contracts';
import { startTestPostgres, type TestPostgres } from '../../store/testing/postgres.js';
import { PostgresStore } from '../../store/postgres.js';
import { api, followEvents, waitFor } from '../__fixtures__/api.js';
import { faultsOnReplicas as faultsOfStack, stackControllerConfig, startControllerProcess, type ControllerProcess } from '../__fixtures__/controllerProcess.js';

const RUNBOOKS = fileURLToPath(new URL('../__fixtures__/runbooks', import.meta.url));
const TOKENS = 'view-token:viewer,op-token:operator,admin-token:admin';
const [VIEWER, OPERATOR, ADMIN] = ['view-token', 'op-token', 'admin-token'];
/** Short for a quick takeover, long enough that a controller starved of CPU on a loaded machine does not lose its lease. */
const LEASE_TTL_MS = 5000;
/** Lease expiry + one sweep + the rollback, with a wide margin for a loaded 2-core machine. */
const TAKEOVER_BOUND_MS = 60_000;

let stack: Stack;
let control: Awaited<ReturnType<typeof startControl>>;
let pg: TestPostgres;
let config: string;
const ctl: Record<'a' | 'b', ControllerProcess | null> = { a: null, b: null };
const dir = mkdtempSync(join(tmpdir(), 'drillbook-ha-int-'));

const faultsOnReplicas = () => faultsOfStack(stack);

const start = async (name: 'a' | 'b') =>
  (ctl[name] = await startControllerProcess({ config, tokens: TOKENS, env: { DRILLBOOK_CONTROLLER_ID: `ctl-${name}`, DRILLBOOK_LEASE_TTL_MS: String(LEASE_TTL_MS) } }));

beforeAll(async () => {
  stack = await Stack.start({ dir: join(dir, 'stack'), replicas: 2, zones: ['zone-a', 'zone-b'], shopperRate: 2, logLevel: 'warn' });
  control = await startControl(stack);
  pg = await startTestPostgres();
  config = join(dir, 'controller.yaml');
  writeFileSync(
    config,
    stackControllerConfig({ dataDir: join(dir, 'data'), databaseUrl: pg.url, runbooks: RUNBOOKS, refreshIntervalS: 2, title: 'Reference recommender (test stack)', stack, controlUrl: control.url }),
  );
  // One after the other: the first creates the schema.
  await start('a');
  await start('b');
}, 300_000);

afterAll(async () => {
  await ctl.a?.stop('SIGKILL');
  await ctl.b?.stop('SIGKILL');
  control?.server.close();
  await stack?.stop();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

/**
 * Starts the long-latency drill through `via` and waits until its fault is on a replica. On a
 * starved machine the drill's preflight can time out (the drill ends `aborted` before any fault):
 * that drill never reached the scenario, so another is started (three tries).
 */
async function drillWithFault(via: ControllerProcess): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const started = await api(via.url).post<StartDrillResponse>('/drills', OPERATOR, { runbook: 'long-latency', quick: true });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.drill.id;
    const outcome = await waitFor(
      'the drill to inject its fault',
      async () => {
        if ((await faultsOnReplicas()).length > 0) return 'fault';
        const d = await api(via.url).get<DrillSummary>(`/drills/${id}`, VIEWER);
        return d.body.state !== 'queued' && d.body.state !== 'running' ? `ended ${d.body.state}: ${d.body.statusReason}` : null;
      },
      180_000,
    );
    if (outcome === 'fault') return id;
    if (attempt >= 3) throw new Error(`three drills in a row ended before their fault was injected; the last ${outcome}`);
  }
}

/** SIGKILLs `dead`, then checks the survivor took the drill over within the bound, with its rollback run, once. */
async function expectTakeover(id: string, dead: 'a' | 'b', survivor: ControllerProcess, opts: { restartDatabase: boolean }): Promise<void> {
  const http = api(survivor.url);
  // An SSE follower connected to the survivor before the takeover.
  const followed = followEvents(survivor.url, id, VIEWER, { timeoutMs: 180_000 });
  // 409 from the controller not running the drill.
  const second = await http.post<{ error: string }>('/drills', OPERATOR, { runbook: 'long-latency', quick: true });
  expect(second.status).toBe(409);
  expect(JSON.stringify(second.body)).toMatch(new RegExp(`${id}.*controller ctl-${dead}`));

  // The engine journals a fault after injecting it: kill once the stored journal has it (a kill in
  // between leaves a fault no journal knows, which only its TTL ends; see README "Controllers in HA").
  await waitFor('the fault in the stored journal', async () => ((await http.get<DrillJournal>(`/drills/${id}/journal`, VIEWER)).body.faults?.length ?? 0) > 0, 30_000);
  expect(await ctl[dead]!.stop('SIGKILL')).toBe('SIGKILL');
  ctl[dead] = null;
  const killedAt = Date.now();
  if (opts.restartDatabase) await pg.restart();
  expect((await faultsOnReplicas()).length).toBeGreaterThan(0); // the dead controller left its fault behind

  const ended = await waitFor(
    'the survivor to take the drill over',
    async () => {
      const r = await http.get<DrillSummary>(`/drills/${id}`, VIEWER).catch(() => null);
      return r?.body.state === 'interrupted' ? r.body : null;
    },
    TAKEOVER_BOUND_MS,
    200,
  );
  const takeoverS = (Date.now() - killedAt) / 1000;
  expect(ended.statusReason).toMatch(new RegExp(`controller ctl-${dead} stopped mid-drill \\(its lease expired at [^)]+\\); controller ctl-${dead === 'a' ? 'b' : 'a'} took the drill over at \\S+ and ran its rollback`));
  // No fault outlives its TTL: the fault's TTL is 10 minutes, so a fault gone now was cleared by the takeover's rollback.
  expect(await faultsOnReplicas()).toEqual([]);
  expect(takeoverS).toBeLessThan(TAKEOVER_BOUND_MS / 1000);

  const journal = await http.get<DrillJournal>(`/drills/${id}/journal`, VIEWER);
  expect(journal.body.status).toBe('interrupted');
  expect(journal.body.faults).toEqual([expect.objectContaining({ type: 'latency', clearedBy: 'abort', clearedAt: expect.any(String) })]);
  expect(journal.body.activities.at(-1)).toMatchObject({ id: 'rollback.takeover', status: 'succeeded', output: { takenOverBy: survivor === ctl.a ? 'ctl-a' : 'ctl-b', from: `ctl-${dead}` } });

  // The follower on the survivor saw the takeover and the end.
  const seen = await followed;
  expect(seen.at(-1)).toMatchObject({ type: 'end', data: { status: 'interrupted' } });
  expect(seen.some((e) => e.type === 'phase' && /took over from ctl-/.test(e.message))).toBe(true);

  // Not lost, not run twice: one numbered stream, one start, one fault, one end.
  const all = await followEvents(survivor.url, id, VIEWER, { timeoutMs: 60_000 });
  expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
  expect(all.filter((e) => e.type === 'end')).toHaveLength(1);
  expect(all.filter((e) => e.type === 'fault')).toHaveLength(1);
  expect(all.filter((e) => /drill accepted/.test(e.message))).toHaveLength(1);
  const drills = await http.get<{ items: DrillSummary[] }>('/drills?limit=100', VIEWER);
  expect(drills.body.items.filter((d) => d.id === id)).toHaveLength(1);
  const audit = await http.get<{ items: Array<{ action: string; subject: string; target: string; detail: string }> }>('/audit?action=drill.takeover', ADMIN);
  expect(audit.body.items.filter((a) => a.target === id)).toEqual([expect.objectContaining({ detail: expect.stringMatching(new RegExp(`^taken over by ctl-\\w at \\S+ from ctl-${dead}`)) })]);
}

describe('two controllers on one PostgreSQL', () => {
  it('leaves one leader for run-once work (the catalogue refresh) across the controllers', async () => {
    const store = await PostgresStore.open(pg.url);
    try {
      const leaders = await waitFor('a catalogue leader', async () => {
        const l = (await store.listLeases('lead:catalogue-refresh')).filter((x) => !x.expired);
        return l.length ? l : null;
      });
      expect(leaders).toHaveLength(1);
      expect(['ctl-a', 'ctl-b']).toContain(leaders[0]!.holder);
    } finally {
      await store.close();
    }
  }, 120_000);
  it('an emergency stop engaged on one controller aborts the drill running on the other and holds on both', async () => {
    const a = api(ctl.a!.url);
    const b = api(ctl.b!.url);
    const id = await drillWithFault(ctl.a!);
    const engaged = await b.post<EmergencyStopState>('/emergency-stop', OPERATOR, { reason: 'ha test' });
    expect(engaged.body.active).toBe(true);
    const events: DrillEvent[] = await followEvents(ctl.a!.url, id, VIEWER, { timeoutMs: 120_000 });
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'aborted' } });
    expect((await a.get<DrillSummary>(`/drills/${id}`, VIEWER)).body.statusReason).toMatch(/emergency stop/);
    expect(await faultsOnReplicas()).toEqual([]);
    expect((await a.post('/drills', OPERATOR, { runbook: 'long-latency', quick: true })).status).toBe(423);
    expect((await a.get<EmergencyStopState>('/emergency-stop', VIEWER)).body.active).toBe(true);
    expect((await a.del<EmergencyStopState>('/emergency-stop', ADMIN)).body.active).toBe(false);
    await waitFor('the release to reach B', async () => (await b.get<EmergencyStopState>('/emergency-stop', VIEWER)).body.active === false, 30_000);
  }, 300_000);

  it('a drill started through A, A SIGKILLed mid-drill: B takes it over (interrupted, rollback run, recorded) and B\'s SSE follower sees it', async () => {
    const id = await drillWithFault(ctl.a!);
    await expectTakeover(id, 'a', ctl.b!, { restartDatabase: false });
  }, 300_000);

  it('the same with PostgreSQL restarted mid-drill, right after the controller dies', async () => {
    await start('a'); // A comes back (same id): nothing of its is left to take over
    const id = await drillWithFault(ctl.b!);
    await expectTakeover(id, 'b', ctl.a!, { restartDatabase: true });
  }, 300_000);

});
