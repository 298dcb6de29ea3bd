/**
 * One behaviour, two databases: the same cases run against SQLite (unit project) and PostgreSQL
 * (integration project, a throwaway server).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DrillEvent, DrillJournal, DrillPlan, Scorecard } from '@drillbook/contracts';
import type { DrillRecord, Store } from '../types.js';

export const plan = (runbook = 'replica-loss'): DrillPlan => ({
  runbook,
  title: 'Replica loss',
  service: 'recsys-reference',
  hypothesis: 'nothing breaks',
  load: { engine: 'builtin', profile: 'peak', phases: [{ phase: 'baseline', durationS: 6, rate: 60 }], totalRequests: 360 },
  actions: [],
  rollback: [],
  guardrails: ['max duration 3m'],
  objectives: [],
  maxDurationS: 180,
});

let n = 0;
export function drillRecord(over: Partial<DrillRecord> = {}): DrillRecord {
  n++;
  return {
    id: `d-${n}-${Math.random().toString(36).slice(2, 8)}`,
    runbook: 'replica-loss',
    runbookTitle: 'Replica loss',
    runbookFile: 'runbooks/replica-loss.yaml',
    runbookSha256: 'ab'.repeat(32),
    runbookSource: 'apiVersion: drillbook.dev/v1\n',
    service: 'recsys-reference',
    state: 'queued',
    dryRun: false,
    quick: true,
    requestedBy: 'alice',
    createdAt: new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString(),
    startedAt: null,
    endedAt: null,
    currentPhase: null,
    statusReason: null,
    score: null,
    timeToRecoverS: null,
    timeToDetectS: null,
    errorBudgetConsumed: null,
    ndcgRatio: null,
    outDir: '/tmp/drills/x',
    plan: plan(),
    notes: [],
    ...over,
  };
}

const journal = (id: string, faults = 1): DrillJournal => ({
  schemaVersion: 1,
  drillId: id,
  runbook: { name: 'replica-loss', title: 'Replica loss', sha256: 'ab'.repeat(32) },
  service: 'recsys-reference',
  target: { url: 'http://127.0.0.1:1', embedded: true, replicas: [] },
  status: 'running',
  dryRun: false,
  startedAt: '2026-01-01T12:00:00.000Z',
  modelVersion: 'v1',
  activities: [],
  faults: Array.from({ length: faults }, (_, i) => ({ id: `f${i}`, step: 'inject', replica: 'r0', type: 'latency' as const, injectedAt: '2026-01-01T12:00:05.000Z', ttlMs: 60_000 })),
  faultEvidence: [],
});

const event = (drillId: string, seq: number, type: DrillEvent['type'] = 'progress'): DrillEvent => ({ seq, drillId, at: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(), type, message: `event ${seq}`, data: { elapsedS: seq } });

export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('keeps an accepted drill with its plan, runbook source and notes exactly as inserted', async () => {
      const r = drillRecord({ notes: ['the runbook stack section was not applied'] });
      await store.insertDrill(r);
      expect(await store.getDrill(r.id)).toEqual(r);
    });

    it('applies progress patches and lists drills newest first, filtered by service and state', async () => {
      const a = drillRecord({ service: 'svc-a' });
      const b = drillRecord({ service: 'svc-a' });
      const c = drillRecord({ service: 'svc-b' });
      for (const r of [a, b, c]) await store.insertDrill(r);
      await store.updateDrill(a.id, { state: 'passed', score: 97.5, endedAt: '2026-01-01T12:05:00.000Z', currentPhase: 'scorecard', timeToRecoverS: 0.4 });
      const got = await store.getDrill(a.id);
      expect(got).toMatchObject({ state: 'passed', score: 97.5, endedAt: '2026-01-01T12:05:00.000Z', currentPhase: 'scorecard', timeToRecoverS: 0.4 });
      expect((await store.listDrills({ service: 'svc-a' })).map((d) => d.id)).toEqual([b.id, a.id]);
      expect((await store.listDrills({ service: 'svc-a', state: 'passed' })).map((d) => d.id)).toEqual([a.id]);
      expect((await store.listDrills({ limit: 1 })).map((d) => d.id)).toEqual([c.id]);
    });

    it('leaves dry runs out of a listing when asked to', async () => {
      const real = drillRecord({ service: 'svc-dry' });
      const dry = drillRecord({ service: 'svc-dry', dryRun: true, state: 'passed' });
      await store.insertDrill(real);
      await store.insertDrill(dry);
      expect((await store.listDrills({ service: 'svc-dry', dryRuns: false })).map((d) => d.id)).toEqual([real.id]);
      expect(await store.listDrills({ service: 'svc-dry' })).toHaveLength(2);
    });

    it('returns the newest journal after many saves, and reports queued and running drills as unfinished', async () => {
      const r = drillRecord({ service: 'svc-j' });
      await store.insertDrill(r);
      await store.updateDrill(r.id, { state: 'running' });
      const j = journal(r.id, 0);
      const saves: Promise<void>[] = [];
      for (let i = 0; i < 20; i++) {
        j.faults.push({ id: `f${i}`, step: 's', replica: 'r0', type: 'latency', injectedAt: '2026-01-01T12:00:00.000Z', ttlMs: 1000 });
        saves.push(store.saveJournal(r.id, structuredClone(j)));
      }
      await Promise.all(saves);
      expect((await store.getJournal(r.id))?.faults).toHaveLength(20);
      const unfinished = (await store.unfinishedDrills()).map((d) => d.id);
      expect(unfinished).toContain(r.id);
      await store.updateDrill(r.id, { state: 'interrupted' });
      expect((await store.unfinishedDrills()).map((d) => d.id)).not.toContain(r.id);
    });

    it('replays events after a sequence number, in order', async () => {
      const r = drillRecord();
      await store.insertDrill(r);
      for (let s = 1; s <= 5; s++) await store.appendEvent(event(r.id, s, s === 5 ? 'end' : 'progress'));
      expect((await store.events(r.id)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect((await store.events(r.id, 3)).map((e) => e.seq)).toEqual([4, 5]);
      expect((await store.events(r.id, 3))[1]).toEqual(event(r.id, 5, 'end'));
      expect(await store.lastSeq(r.id)).toBe(5);
      expect(await store.lastSeq('no-such-drill')).toBe(0);
    });

    it('refuses a second event with the same sequence number of a drill', async () => {
      const r = drillRecord();
      await store.insertDrill(r);
      await store.appendEvent(event(r.id, 1));
      await expect(store.appendEvent(event(r.id, 1))).rejects.toThrow();
    });

    it('lists a service\'s scorecards newest first, skipping drills without one', async () => {
      const svc = `svc-sc-${Math.random().toString(36).slice(2, 6)}`;
      const a = drillRecord({ service: svc });
      const b = drillRecord({ service: svc });
      const c = drillRecord({ service: svc });
      for (const r of [a, b, c]) await store.insertDrill(r);
      const sc = (id: string, score: number) => ({ drillId: id, score, status: 'passed' }) as unknown as Scorecard;
      await store.saveScorecard(a.id, sc(a.id, 80));
      await store.saveScorecard(c.id, sc(c.id, 90));
      const rows = await store.scorecards(svc, 10);
      expect(rows.map((x) => [x.drill.id, x.scorecard.score])).toEqual([
        [c.id, 90],
        [a.id, 80],
      ]);
      expect(await store.getScorecard(b.id)).toBeNull();
      expect((await store.scorecards(svc, 1)).map((x) => x.drill.id)).toEqual([c.id]);
    });

    it('appends audit entries with who, what, when and from where, newest first', async () => {
      const e1 = await store.appendAudit({ subject: 'alice', role: 'operator', action: 'drill.start', target: 'd1', outcome: 'ok', detail: 'replica-loss', remote: '127.0.0.1' });
      const e2 = await store.appendAudit({ subject: 'bob', role: 'viewer', action: 'drill.start', target: 'recsys-reference', outcome: 'denied', detail: null, remote: '10.0.0.2' });
      expect(e2.id).toBeGreaterThan(e1.id);
      expect(Number.isNaN(Date.parse(e1.at))).toBe(false);
      const list = await store.listAudit({ action: 'drill.start' });
      expect(list.slice(0, 2).map((e) => [e.subject, e.outcome, e.remote])).toEqual([
        ['bob', 'denied', '10.0.0.2'],
        ['alice', 'ok', '127.0.0.1'],
      ]);
    });

    it('remembers the emergency stop until it is released', async () => {
      expect((await store.getEmergencyStop()).active).toBe(false);
      await store.setEmergencyStop({ active: true, reason: 'checkout is on fire', since: '2026-01-01T12:00:00.000Z', by: 'alice' });
      expect(await store.getEmergencyStop()).toEqual({ active: true, reason: 'checkout is on fire', since: '2026-01-01T12:00:00.000Z', by: 'alice' });
      await store.setEmergencyStop({ active: false, reason: null, since: null, by: null });
      expect((await store.getEmergencyStop()).active).toBe(false);
    });

    it('grants a lease to one holder until it expires, renews only an unexpired own lease, and hands an expired one over saying whose it was', async () => {
      const name = `drill:svc-${Math.random().toString(36).slice(2, 8)}`;
      const a = await store.acquireLease(name, 'ctl-a', 400, 'drill-1');
      expect(a).toMatchObject({ acquired: true, lease: { name, holder: 'ctl-a', data: 'drill-1', expired: false }, replaced: null });
      const b = await store.acquireLease(name, 'ctl-b', 400, 'drill-2');
      expect(b).toMatchObject({ acquired: false, lease: { holder: 'ctl-a', data: 'drill-1' } });
      expect(await store.renewLease(name, 'ctl-a', 400)).toBe(true);
      expect(await store.renewLease(name, 'ctl-b', 400)).toBe(false);
      await new Promise((r) => setTimeout(r, 600));
      expect((await store.listLeases(name)).map((l) => [l.holder, l.expired])).toEqual([['ctl-a', true]]);
      // An expired lease is not renewed: another controller may be taking it over.
      expect(await store.renewLease(name, 'ctl-a', 400)).toBe(false);
      const c = await store.acquireLease(name, 'ctl-b', 5000, 'drill-1');
      expect(c).toMatchObject({ acquired: true, lease: { holder: 'ctl-b', expired: false }, replaced: { holder: 'ctl-a', data: 'drill-1', expired: true } });
      await store.releaseLease(name, 'ctl-a'); // not the holder: no-op
      expect((await store.listLeases(name)).map((l) => l.holder)).toEqual(['ctl-b']);
      await store.releaseLease(name, 'ctl-b');
      expect(await store.listLeases(name)).toEqual([]);
      await expect(store.acquireLease(name, 'ctl-a', 0)).rejects.toThrow(/ttlMs/);
    });

    it('keeps shared state as JSON under a key, the last put winning', async () => {
      const key = `catalogue:svc-${Math.random().toString(36).slice(2, 8)}`;
      expect(await store.getShared(key)).toBeNull();
      await store.putShared(key, { replicas: [{ id: 'r0', ready: true }], at: '2026-01-01T00:00:00.000Z' });
      await store.putShared(key, { replicas: [], at: '2026-01-01T00:00:01.000Z' });
      const got = await store.getShared<{ replicas: unknown[] }>(key);
      expect(got?.value).toEqual({ replicas: [], at: '2026-01-01T00:00:01.000Z' });
      expect(Number.isNaN(Date.parse(got!.at))).toBe(false);
    });

    it('lets exactly one of several concurrent acquirers hold a free lease', async () => {
      const name = `lead:race-${Math.random().toString(36).slice(2, 8)}`;
      const got = await Promise.all(['c1', 'c2', 'c3', 'c4'].map((h) => store.acquireLease(name, h, 10_000)));
      expect(got.filter((g) => g.acquired)).toHaveLength(1);
      const holder = got.find((g) => g.acquired)!.lease.holder;
      expect(got.every((g) => g.lease.holder === holder)).toBe(true);
    });
  });
}
