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
});
