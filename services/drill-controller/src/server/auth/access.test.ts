import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../store/sqlite.js';
import { ApiError } from '../errors.js';
import { AccessControl, type Actor } from './access.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-access-'));
const store = new SqliteStore(join(dir, 'audit.db'));
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const actor = (role: Actor['role'], services = ['*']): Actor => ({ subject: `${role}-token`, role, services, remote: '127.0.0.1' });

describe('AccessControl', () => {
  const access = new AccessControl(store, () => {});

  it('lets an operator launch on its services without writing a denial', async () => {
    const before = (await store.listAudit()).length;
    await access.require(actor('operator', ['recsys-reference']), 'launch', 'drill.start', 'recsys-reference', 'recsys-reference');
    expect((await store.listAudit()).length).toBe(before);
  });

  it('refuses a viewer with 403, audits the denial once and marks it audited', async () => {
    const e = await access.require(actor('viewer'), 'launch', 'drill.start', 'recsys-reference', 'recsys-reference').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 403, message: 'role viewer may not launch drills', audited: true });
    const [row] = await store.listAudit({ limit: 1 });
    expect(row).toMatchObject({ subject: 'viewer-token', role: 'viewer', action: 'drill.start', target: 'recsys-reference', outcome: 'denied', remote: '127.0.0.1' });
  });

  it('says which service an operator token may not act on, and that only an admin releases the stop', async () => {
    await expect(access.require(actor('operator', ['other']), 'abort', 'drill.abort', 'd-1', 'recsys-reference')).rejects.toThrow('this token may not act on service recsys-reference');
    await expect(access.require(actor('operator'), 'release', 'emergency-stop.release', '*')).rejects.toThrow('only an admin may release the emergency stop');
    await expect(access.require(actor('viewer'), 'emergency-stop', 'emergency-stop.engage', '*')).rejects.toThrow('role viewer may not engage the emergency stop');
  });

  it('audits a refusal and throws the status, message and field', async () => {
    const e = await access.refuse(actor('operator'), 'drill.start', 'recsys-reference', 409, 'drill d-1 is already running', 'service').catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 409, message: 'drill d-1 is already running', field: 'service' });
    const [row] = await store.listAudit({ limit: 1 });
    expect(row).toMatchObject({ action: 'drill.start', outcome: 'refused', detail: 'drill d-1 is already running' });
  });

  it("records the controller's own actions as subject controller, role system", async () => {
    await access.system('drill.recover', 'd-2', 'rolled back after a restart');
    const [row] = await store.listAudit({ limit: 1 });
    expect(row).toMatchObject({ subject: 'controller', role: 'system', action: 'drill.recover', target: 'd-2', outcome: 'ok', remote: null });
  });

  it('logs an audit write that fails and lets the action go on', async () => {
    const logs: string[] = [];
    const broken = new AccessControl(
      {
        appendAudit: () => Promise.reject(new Error('disk full')),
      },
      (l) => logs.push(l),
    );
    await expect(broken.audit(actor('admin'), 'emergency-stop.engage', '*', 'ok', null)).resolves.toBeUndefined();
    expect(logs).toEqual(['audit write failed (emergency-stop.engage * by admin-token): disk full']);
  });
});
