/**
 * The embedded stack with a model store (spec `modelStore`): a real nginx the stack starts on its own
 * config serves the published versions; replicas fetch into their verified caches; with nginx
 * stopped, a restarted replica comes back from its cache, and a cut store blocks nothing that is
 * already cached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_STORE_METRIC } from '@drillbook/contracts';
import { nginxAvailable } from '@drillbook/inference/store/nginx';
import { Stack } from './Stack.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-stack-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const metric = async (url: string, name: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((t, l) => t + Number(l.split(' ').pop()), 0);
};

describe.skipIf(!nginxAvailable())('embedded stack with the nginx model store', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ dir: join(dir, 's'), replicas: 2, shoppers: false, restartDelayMs: 500, logLevel: 'warn', modelStore: { cache: true } });
  }, 300_000);
  afterAll(() => stack?.stop());

  it('replicas fetch the model from the store nginx serves, and restart from their cache while nginx is stopped', async () => {
    const store = stack.info.modelStore!;
    expect(store.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/store$/);
    expect(existsSync(join(store.dir, 'index', 'recsys-two-tower.json'))).toBe(true);
    const r0 = stack.replica('r0');
    expect(await metric(r0.url, MODEL_STORE_METRIC.cacheMisses)).toBe(1);
    expect((await fetch(`${stack.info.gatewayUrl}/readyz`)).status).toBe(200);

    await stack.stopModelStore();
    try {
      await stack.restart('r0');
      const deadline = Date.now() + 60_000;
      while ((await fetch(`${r0.url}/readyz`).then((r) => r.status, () => 0)) !== 200) {
        if (Date.now() > deadline) throw new Error('r0 not ready from its cache within 60 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await metric(r0.url, MODEL_STORE_METRIC.cacheHits)).toBeGreaterThanOrEqual(1);
      expect(await metric(r0.url, MODEL_STORE_METRIC.cacheMisses)).toBe(0);
    } finally {
      await stack.startModelStore();
    }
  });

  it('a corrupted store object fails verification over HTTP and gets its bytes back; a wiped store is restored from the backup location', async () => {
    const v = stack.info.modelVersion;
    expect((await stack.verifyModelStore()).lost).toEqual([]);
    const c = await stack.corruptStoreObject(v, 'model');
    expect(c.key).toMatch(/^blobs\/sha256\/[0-9a-f]{64}$/);
    expect((await stack.verifyModelStore()).lost).toEqual([{ version: v, why: expect.stringMatching(/sha256/) }]);
    await stack.corruptStoreObject(v, 'manifest');
    expect((await stack.verifyModelStore()).lost[0].why).toMatch(/signature/);
    expect((await stack.restoreStoreObjects()).length).toBe(2);
    expect((await stack.verifyModelStore()).verified).toEqual([v]);

    expect(stack.wipeModelStore().files).toBeGreaterThanOrEqual(4);
    expect((await stack.verifyModelStore()).lost).toEqual([{ version: v, why: expect.stringMatching(/not in the store index/) }]);
    expect((await stack.restoreModelStore('backup')).versions).toEqual([v]);
    expect((await stack.verifyModelStore()).verified).toEqual([v]);
  });

  it('scales out with the store stopped: a replica with a copy of a peer cache starts and joins the gateway; removed again, nothing is left', async () => {
    await stack.stopModelStore();
    try {
      const added = await stack.addReplica({ warmFrom: 'r1', readyWithinMs: 60_000 });
      expect(added).toMatchObject({ ready: true, warmedFrom: 'r1', replica: { id: 'r2' } });
      expect(await metric(added.replica.url, MODEL_STORE_METRIC.cacheHits)).toBeGreaterThanOrEqual(1);
      const upstreams = (await (await fetch(`${stack.info.gatewayUrl}/admin/upstreams`, { headers: { authorization: `Bearer ${stack.info.adminToken}` } })).json()) as { upstreams: Array<{ id: string }> };
      expect(upstreams.upstreams.map((u) => u.id)).toContain('r2');
      const pid = stack.replica('r2').pid;
      await stack.removeReplica('r2');
      expect(stack.info.replicas.map((r) => r.id)).toEqual(['r0', 'r1']);
      expect(stack.pids()).not.toContain(pid);
    } finally {
      await stack.startModelStore();
    }
  }, 120_000);
});
