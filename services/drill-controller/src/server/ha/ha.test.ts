/**
 * The HA pieces on a real SQLite store (two controllers' views of one database file): `lead`,
 * self-fencing when renewals fail, the sweep's takeover of a drill whose lease expired, stored
 * events followed, and the environment settings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillEvent } from '@drillbook/contracts';
import { SqliteStore } from '../../store/sqlite.js';
import type { Store } from '../../store/types.js';
import { drillRecord } from '../../store/__fixtures__/storeContract.js';
import { Ha, type HaHooks, type Takeover } from './Ha.js';
import { followStoredEvents } from './followStored.js';
import { haOptionsFromEnv } from './options.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-ha-unit-'));
let n = 0;
const file = () => join(dir, `ha-${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const quiet = () => {};
const hooks = (over: Partial<HaHooks> = {}): HaHooks => ({ isLocal: () => false, onLost: () => {}, takeOver: async () => {}, onEmergencyStop: () => {}, ...over });
const waitUntil = async (what: string, ok: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
};

describe('ha.lead', () => {
  it('gives a name to one controller at a time and to another once the leader stops or its lease expires', async () => {
    const f = file();
    const [s1, s2] = [new SqliteStore(f), new SqliteStore(f)];
    const a = new Ha(s1, { controllerId: 'a', leaseTtlMs: 1000 }, quiet);
    const b = new Ha(s2, { controllerId: 'b', leaseTtlMs: 1000 }, quiet);
    expect(await a.lead('schedules', 300)).toBe(true);
    expect(await b.lead('schedules', 300)).toBe(false);
    expect(await a.lead('schedules', 300)).toBe(true); // renewed
    expect(await b.lead('catalogue-refresh', 300)).toBe(true); // names are independent
    await new Promise((r) => setTimeout(r, 450));
    expect(await b.lead('schedules', 300)).toBe(true); // a stopped renewing
    expect(await a.lead('schedules', 300)).toBe(false);
    await b.stop(); // releases its leads
    expect(await a.lead('catalogue-refresh', 300)).toBe(true);
    expect(await b.lead('schedules')).toBe(false); // a stopped controller never leads
    await Promise.all([a.stop(), s1.close(), s2.close()]);
  });

  it('answers false, never throws, when the database cannot be reached', async () => {
    const s = new SqliteStore(file());
    const ha = new Ha(s, { controllerId: 'a', leaseTtlMs: 1000 }, quiet);
    await s.close();
    expect(await ha.lead('schedules')).toBe(false);
  });
});

describe('drill leases', () => {
  it('a controller that cannot renew its drill lease fences itself off the drill before the lease expires', async () => {
    const real = new SqliteStore(file());
    let failing = false;
    const store = new Proxy(real, {
      get: (t, p) => (p === 'renewLease' ? async (...args: Parameters<Store['renewLease']>) => (failing ? Promise.reject(new Error('connection refused')) : t.renewLease(...args)) : Reflect.get(t, p, t)),
    }) as Store;
    const lost: Array<{ id: string; reason: string; at: number }> = [];
    const ha = new Ha(store, { controllerId: 'a', leaseTtlMs: 1200 }, quiet);
    await ha.start(hooks({ isLocal: (id) => id === 'd1', onLost: (id, reason) => lost.push({ id, reason, at: Date.now() }) }));
    expect((await ha.holdDrill('svc', 'd1')).acquired).toBe(true);
    await new Promise((r) => setTimeout(r, 900));
    expect(lost).toEqual([]); // renewals work
    failing = true;
    const cut = Date.now();
    await waitUntil('the controller to fence itself', () => lost.length > 0);
    expect(lost[0]).toMatchObject({ id: 'd1', reason: expect.stringMatching(/controller a lost its lease: .*could not be renewed.*connection refused.*stops acting on the drill/) });
    const [lease] = await real.listLeases('drill:svc');
    expect(lost[0]!.at).toBeLessThan(Date.parse(lease!.expiresAt)); // fenced before anyone could take over
    expect(lost[0]!.at - cut).toBeLessThan(1200);
    expect(ha.holds('d1')).toBe(false);
    await ha.stop();
    await real.close();
  });

  it('takes over an unfinished drill whose controller stopped renewing, once, saying from whom', async () => {
    const f = file();
    const [s1, s2] = [new SqliteStore(f), new SqliteStore(f)];
    const rec = drillRecord({ state: 'running', service: 'svc' });
    await s1.insertDrill(rec);
    const a = new Ha(s1, { controllerId: 'a', leaseTtlMs: 600 }, quiet);
    expect((await a.holdDrill('svc', rec.id)).acquired).toBe(true); // a holds it, then "dies" (never renews)
    const taken: Array<{ id: string; t: Takeover | null }> = [];
    const b = new Ha(s2, { controllerId: 'b', leaseTtlMs: 600 }, quiet);
    await b.start(
      hooks({
        takeOver: async (r, t) => {
          taken.push({ id: r.id, t });
          await new Promise((res) => setTimeout(res, 300)); // the rollback takes a while: sweeps meanwhile must not start another
          await s2.updateDrill(r.id, { state: 'interrupted' });
        },
      }),
    );
    expect(taken).toEqual([]); // a's lease is live
    await waitUntil('the takeover', () => taken.length > 0);
    await new Promise((r) => setTimeout(r, 1000)); // more sweeps: no second takeover
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ id: rec.id, t: { by: 'b', from: 'a', leaseExpiredAt: expect.any(String) } });
    expect((await s2.getDrill(rec.id))!.state).toBe('interrupted');
    expect(await s2.listLeases('drill:svc')).toEqual([]); // released after the takeover
    await b.stop();
    await Promise.all([s1.close(), s2.close()]);
  });
});

describe('followStoredEvents', () => {
  it('hands on persisted events in order until the end, waiting out a gap a few polls then skipping it', async () => {
    const s = new SqliteStore(file());
    const rec = drillRecord();
    await s.insertDrill(rec);
    const ev = (seq: number, type: DrillEvent['type'] = 'log'): DrillEvent => ({ seq, drillId: rec.id, at: new Date().toISOString(), type, message: `e${seq}` });
    await s.appendEvent(ev(1));
    const got: number[] = [];
    const f = followStoredEvents(s, rec.id, 0, (e) => got.push(e.seq), 20);
    await waitUntil('the first event', () => got.length === 1);
    await s.appendEvent(ev(2));
    await s.appendEvent(ev(4)); // 3 was never written
    await waitUntil('the events after the gap', () => got.length === 3);
    expect(got).toEqual([1, 2, 4]);
    await s.appendEvent(ev(5, 'end'));
    await s.appendEvent(ev(6));
    await waitUntil('the end', () => got.length === 4);
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([1, 2, 4, 5]); // nothing after the end
    f.unsubscribe();
    await s.close();
  });
});

describe('HA settings', () => {
  it('defaults to a stable id per host and dataDir, and names the variable of a bad value', () => {
    const a = haOptionsFromEnv({}, '/var/lib/drillbook');
    expect(a).toEqual({ controllerId: expect.stringMatching(/^.+-[0-9a-f]{8}$/), leaseTtlMs: 10_000 });
    expect(haOptionsFromEnv({}, '/var/lib/drillbook').controllerId).toBe(a.controllerId);
    expect(haOptionsFromEnv({}, '/srv/other').controllerId).not.toBe(a.controllerId);
    expect(haOptionsFromEnv({ DRILLBOOK_CONTROLLER_ID: 'ctl-1', DRILLBOOK_LEASE_TTL_MS: '3000' }, '/x')).toEqual({ controllerId: 'ctl-1', leaseTtlMs: 3000 });
    expect(() => haOptionsFromEnv({ DRILLBOOK_CONTROLLER_ID: 'has space' }, '/x')).toThrow(/DRILLBOOK_CONTROLLER_ID: expected .* got "has space"/);
    expect(() => haOptionsFromEnv({ DRILLBOOK_LEASE_TTL_MS: '500' }, '/x')).toThrow(/DRILLBOOK_LEASE_TTL_MS: expected an integer .* from 1000 to 600000, got "500"/);
    expect(() => haOptionsFromEnv({ DRILLBOOK_LEASE_TTL_MS: '10s' }, '/x')).toThrow(/DRILLBOOK_LEASE_TTL_MS/);
  });
});
