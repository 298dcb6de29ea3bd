/**
 * The game-day logic with a controllable clock and a recording launcher (no drills run): the
 * scheduler fires on time and never catches up, paused schedules skip, blackouts refuse scheduled
 * and manual drills, approvals follow the two-person rule and expire. The real-controller version
 * of these is gameDays.int.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { StartDrillRequest } from '@drillbook/contracts';
import type { NewAuditEntry } from '../store/types.js';
import { AccessControl, type Actor } from '../server/auth/access.js';
import { ApiError } from '../server/errors.js';
import { ManualClock } from './clock.js';
import { gameDaysConfig } from './config.js';
import { GameDays } from './GameDays.js';
import { GameDayMetrics } from './metrics.js';
import { Notifier } from './notify/Notifier.js';
import { SqliteGameDayStore } from './store.js';

const alice: Actor = { subject: 'alice', role: 'operator', services: ['*'], remote: null };
const aliceApprover: Actor = { subject: 'alice', role: 'approver', services: ['*'], remote: null };
const bob: Actor = { subject: 'bob', role: 'approver', services: ['*'], remote: null };
const root: Actor = { subject: 'root', role: 'admin', services: ['*'], remote: null };
const stores: SqliteGameDayStore[] = [];
afterEach(async () => {
  while (stores.length) await stores.pop()!.close();
});

function setup(opts: { approvals?: string[]; missedAfterS?: number } = {}) {
  const clock = new ManualClock(Date.parse('2026-12-07T09:59:00Z'));
  const store = new SqliteGameDayStore(':memory:');
  stores.push(store);
  const audit: NewAuditEntry[] = [];
  const launched: Array<{ req: StartDrillRequest; who: Actor }> = [];
  const config = gameDaysConfig({ missedAfterS: opts.missedAfterS ?? 120, approvals: { services: opts.approvals ?? [], expiryS: 600 } });
  const access = new AccessControl({ appendAudit: async (e) => (audit.push(e), { ...e, id: audit.length, at: 'x' }) as never }, () => {});
  const g = new GameDays({
    config, services: ['search'], store, drillStore: { scorecards: async () => [], listDrills: async () => [] }, access, clock, log: () => {},
    runbooks: { get: (name: string) => (name === 'kill' ? ({ runbook: { target: { service: 'search' } } } as never) : undefined) },
    launch: async (req, who) => (launched.push({ req, who }), { status: 202, body: { drill: { id: `d${launched.length}` } as never, plan: {} as never } }),
    notifier: new Notifier({ ...config.notifications, store, clock, log: () => {} }),
    metrics: new GameDayMetrics(new Registry()),
  });
  return { g, clock, audit, launched };
}

describe('GameDays', () => {
  it('fires a schedule at its time in its time zone, once, and not before', async () => {
    const { g, clock, launched } = setup();
    const s = await g.createSchedule({ runbook: 'kill', cron: '0 11 * * *', timeZone: 'Europe/Berlin' }, alice);
    expect(s.nextRuns[0]).toBe('2026-12-07T10:00:00.000Z');
    await g.tick();
    expect(launched).toHaveLength(0);
    clock.set('2026-12-07T10:00:10Z');
    await g.tick();
    await g.tick();
    expect(launched).toHaveLength(1);
    expect(launched[0]!.who.subject).toBe('alice');
    expect(await g.runs({ scheduleId: s.id })).toMatchObject([{ state: 'started', drillId: 'd1', dueAt: '2026-12-07T10:00:00.000Z' }]);
  });

  it('records occurrences it saw too late as missed and runs none of them (no catch-up)', async () => {
    const { g, clock, launched } = setup();
    const s = await g.createSchedule({ runbook: 'kill', cron: '0 * * * *' }, alice);
    clock.set('2026-12-07T13:30:00Z');
    await g.tick();
    expect(launched).toHaveLength(0);
    const runs = await g.runs({ scheduleId: s.id });
    expect(runs.map((r) => [r.state, r.dueAt])).toEqual([
      ['missed', '2026-12-07T13:00:00.000Z'],
      ['missed', '2026-12-07T12:00:00.000Z'],
      ['missed', '2026-12-07T11:00:00.000Z'],
      ['missed', '2026-12-07T10:00:00.000Z'],
    ]);
  });

  it('skips occurrences while paused without recording them missed', async () => {
    const { g, clock, launched } = setup();
    const s = await g.createSchedule({ runbook: 'kill', cron: '0 * * * *' }, alice);
    await g.setPaused(s.id, true, alice);
    clock.set('2026-12-07T12:30:00Z');
    await g.tick();
    await g.setPaused(s.id, false, alice);
    await g.tick();
    expect(await g.runs({ scheduleId: s.id })).toEqual([]);
    clock.set('2026-12-07T13:00:05Z');
    await g.tick();
    expect(launched).toHaveLength(1);
  });

  it('refuses a scheduled run and a manual drill inside a blackout, naming the window; an admin override is audited', async () => {
    const { g, clock, launched, audit } = setup();
    await g.createBlackout({ name: 'Big sale', start: '2026-12-07T09:00:00Z', end: '2026-12-07T11:00:00Z' }, root);
    const s = await g.createSchedule({ runbook: 'kill', cron: '0 * * * *' }, alice);
    clock.set('2026-12-07T10:00:05Z');
    await g.tick();
    const [run] = await g.runs({ scheduleId: s.id });
    expect(run).toMatchObject({ state: 'refused' });
    expect(run!.reason).toMatch(/^423: .*blackout window "Big sale"/);
    await expect(g.admit({ runbook: 'kill' }, alice)).rejects.toMatchObject({ status: 423 });
    await expect(g.admit({ runbook: 'kill' }, alice, { overrideBlackout: true })).rejects.toMatchObject({ status: 423 });
    expect(await g.admit({ runbook: 'kill' }, root, { overrideBlackout: true })).toBeNull();
    expect(audit.find((e) => e.action === 'blackout.override')).toMatchObject({ subject: 'root', outcome: 'ok' });
    expect(launched).toHaveLength(0);
  });

  it('parks a drill as pending approval; the requester cannot approve it, another approver can, and pending ones expire', async () => {
    const { g, clock, launched, audit } = setup({ approvals: ['search'] });
    const pending = await g.admit({ runbook: 'kill', quick: true }, alice);
    expect(pending?.body.approval).toMatchObject({ state: 'pending-approval', requestedBy: 'alice', expiresAt: '2026-12-07T10:09:00.000Z' });
    const id = pending!.body.approval.id;
    const own = await g.approve(id, aliceApprover).catch((e: ApiError) => e);
    expect(own).toMatchObject({ status: 403 });
    expect((own as ApiError).message).toMatch(/two-person rule/);
    await expect(g.approve(id, alice)).rejects.toMatchObject({ status: 403 });
    const ok = await g.approve(id, bob);
    expect(ok.approval).toMatchObject({ state: 'approved', decidedBy: 'bob', drillId: 'd1' });
    expect(launched[0]).toMatchObject({ req: { runbook: 'kill', service: 'search', quick: true }, who: { subject: 'alice' } });
    await expect(g.approve(id, bob)).rejects.toMatchObject({ status: 409 });

    const late = await g.admit({ runbook: 'kill' }, alice);
    clock.advance(11 * 60_000);
    await g.tick();
    expect(g.approval(late!.body.approval.id).state).toBe('expired');
    await expect(g.approve(late!.body.approval.id, bob)).rejects.toMatchObject({ status: 409 });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['approval.request', 'approval.approve', 'approval.expire']));
  });
});
