/**
 * The model store against a real Debian nginx started by the test (its own config in a temp dir):
 * publish into the folder nginx serves, fetch over HTTP, resume a download whose connection nginx
 * cut, refuse tampered artefacts and manifests, keep the cache under its bound, and start a
 * replica from its cache while nginx is stopped.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_STORE_METRIC } from '@drillbook/contracts';
import { ModelRegistry, type ModelManifest } from '../registry/registry.js';
import { buildTestRegistry, startTestReplica, type TestRegistry } from '../testing/fixtures.js';
import { blobKey, manifestKey } from './backend.js';
import { ModelStoreClient } from './client.js';
import { FolderStore } from './fileStore.js';
import { HttpStoreReader } from './httpStore.js';
import { createStoreMetrics } from './metrics.js';
import { nginxAvailable, startNginxStore, type NginxStore } from './nginx.js';
import { publishToStore } from './publish.js';

const NGINX = nginxAvailable();

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function metricValue(reg: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await reg.getMetricsAsJSON()).find((x) => x.name === name);
  const v = (m?.values ?? []).find((x) => Object.entries(labels).every(([k, val]) => (x.labels as Record<string, unknown>)[k] === val) && !('le' in x.labels));
  return Number(v?.value ?? 0);
}

describe.skipIf(!NGINX)('model store served by a real nginx', () => {
  let reg: TestRegistry;
  let storeDir: string;
  let work: string;
  let nginx: NginxStore;
  let folder: FolderStore;
  let modelSha: string;

  /** A replica-side registry (the cache) trusting the publisher's key. */
  const cacheRegistry = (name: string) => new ModelRegistry({ root: join(work, name), publicKey: reg.keys.publicKey });
  const client = (name: string, opts: { maxBytes?: number; enabled?: boolean; url?: string } = {}) => {
    const metrics = new Registry();
    const c = new ModelStoreClient({
      registry: cacheRegistry(name),
      store: new HttpStoreReader({ url: opts.url ?? nginx.url, idleTimeoutMs: 15_000 }),
      cache: { enabled: opts.enabled ?? true, maxBytes: opts.maxBytes ?? 1e9 },
      metrics: createStoreMetrics(metrics, 'recsys-two-tower'),
      retryDelayMs: 200,
      attempts: 30,
    });
    return { c, metrics, registry: cacheRegistry(name) };
  };

  /** Publish another version with the same weights (its model blob is shared: content addressing). */
  const publishCopy = async (version: string) => {
    const m = reg.registry.load('v1');
    reg.registry.publish({ version, modelBytes: m.modelBytes, features: m.features, shape: m.manifest.shape, world: m.manifest.world, metrics: m.manifest.metrics, provenance: { copyOf: 'v1' } });
    return publishToStore(reg.registry, version, folder);
  };

  beforeAll(async () => {
    reg = await buildTestRegistry();
    work = mkdtempSync(join(tmpdir(), 'drillbook-store-'));
    storeDir = join(work, 'store');
    folder = new FolderStore(storeDir);
    await publishToStore(reg.registry, 'v1', folder);
    modelSha = reg.registry.load('v1').manifest.artefacts.model.sha256;
    nginx = await startNginxStore({ root: storeDir });
  });

  afterAll(async () => {
    await nginx?.close();
    reg?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('publishes content-addressed artefacts, and a replica fetches and verifies them over HTTP (a miss, then a hit)', async () => {
    expect(existsSync(join(storeDir, blobKey(modelSha)))).toBe(true);
    expect(existsSync(join(storeDir, manifestKey('recsys-two-tower', 'v1')))).toBe(true);
    const { c, metrics, registry } = client('fetch');
    expect(await c.storeVersions()).toEqual(['v1']);
    const first = await c.ensure('v1');
    expect(first.source).toBe('store');
    expect(first.downloadedBytes).toBeGreaterThan(100_000);
    expect(registry.load('v1').sha256).toBe(reg.registry.load('v1').sha256);
    const second = await c.ensure('v1');
    expect(second).toMatchObject({ source: 'cache', downloadedBytes: 0 });
    expect(await metricValue(metrics, MODEL_STORE_METRIC.cacheMisses)).toBe(1);
    expect(await metricValue(metrics, MODEL_STORE_METRIC.cacheHits)).toBe(1);
    expect(readFileSync(nginx.accessLog, 'utf8')).toContain(`GET /store/${blobKey(modelSha)} HTTP/1.1" 200`);
  });

  it('resumes a download with an HTTP range request after nginx cuts the connection halfway', async () => {
    // A second nginx on the same folder, slowed so the cut lands in the middle of the model file.
    const slow = await startNginxStore({ root: storeDir, limitRate: 64 * 1024 });
    try {
      const { c, metrics, registry } = client('resume', { url: slow.url });
      const partial = join(work, 'resume', 'recsys-two-tower', '.partial', modelSha);
      const size = reg.registry.load('v1').manifest.artefacts.model.size;
      const pending = c.ensure('v1');
      await waitFor('part of the model file to arrive', () => existsSync(partial) && readFileSync(partial).length > 16 * 1024);
      await slow.stop(); // fast shutdown: nginx closes the open connection
      const cutAt = readFileSync(partial).length;
      expect(cutAt).toBeLessThan(size);
      await slow.start();
      const r = await pending;
      expect(r.source).toBe('store');
      expect(r.resumes).toBeGreaterThanOrEqual(1);
      expect(registry.load('v1').sha256).toBe(reg.registry.load('v1').sha256);
      expect(await metricValue(metrics, MODEL_STORE_METRIC.fetchResumes)).toBeGreaterThanOrEqual(1);
      const log = readFileSync(slow.accessLog, 'utf8');
      expect(log).toMatch(new RegExp(`GET /store/${blobKey(modelSha)} HTTP/1.1" 206 \\d+ range="bytes=\\d+-"`));
      // The resumed request asked for the rest only: no byte of the file was downloaded twice over the cut.
      expect(r.downloadedBytes).toBeLessThan(size + 64 * 1024);
    } finally {
      await slow.close();
    }
  });

  it('refuses an artefact whose bytes do not match its sha256, caches nothing and counts an integrity error', async () => {
    const file = join(storeDir, blobKey(modelSha));
    const original = readFileSync(file);
    const damaged = Buffer.from(original);
    for (let i = 1000; i < 1064; i++) damaged[i] ^= 0xff;
    writeFileSync(file, damaged);
    try {
      const { c, metrics, registry } = client('tampered');
      await expect(c.ensure('v1')).rejects.toThrow(/sha256 mismatch/);
      expect(registry.list()).toEqual([]);
      expect(readdirSync(join(work, 'tampered', 'recsys-two-tower', '.partial'))).toEqual([]);
      expect(await metricValue(metrics, MODEL_STORE_METRIC.storeErrors, { reason: 'integrity' })).toBe(1);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('refuses a manifest that was altered after signing (signature check) before downloading any artefact', async () => {
    const file = join(storeDir, manifestKey('recsys-two-tower', 'v1'));
    const original = readFileSync(file);
    const m = JSON.parse(original.toString()) as ModelManifest;
    m.artefacts.model.size += 1;
    writeFileSync(file, JSON.stringify(m));
    try {
      const before = readFileSync(nginx.accessLog, 'utf8').length;
      const { c, metrics, registry } = client('unsigned');
      await expect(c.ensure('v1')).rejects.toThrow(/signature check failed \(manifest content does not match its signature\)/);
      expect(registry.list()).toEqual([]);
      expect(readFileSync(nginx.accessLog, 'utf8').slice(before)).not.toContain('/blobs/');
      expect(await metricValue(metrics, MODEL_STORE_METRIC.storeErrors, { reason: 'signature' })).toBe(1);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('keeps the cache under its size bound by evicting the least recently used version, never the pinned one', async () => {
    const dup = await publishCopy('v2');
    expect(dup.skippedBlobs).toBeGreaterThanOrEqual(1); // same weights: the model blob was already there
    await publishCopy('v3');
    const probe = client('probe');
    await probe.c.ensure('v1');
    const one = probe.c.cacheBytes();
    const { c, metrics, registry } = client('lru', { maxBytes: Math.floor(one * 2.5) });
    await c.ensure('v1');
    await c.ensure('v2');
    expect((await c.ensure('v1')).source).toBe('cache'); // v1 is now more recent than v2
    const r = await c.ensure('v3', ['v1']);
    expect(r.evicted).toEqual(['v2']);
    expect(registry.list().sort()).toEqual(['v1', 'v3']);
    expect(c.cacheBytes()).toBeLessThanOrEqual(Math.floor(one * 2.5));
    expect(await metricValue(metrics, MODEL_STORE_METRIC.cacheEvictions)).toBe(1);
    // Pinned versions stay even when the bound is smaller than them.
    const tight = client('lru', { maxBytes: 1 });
    expect(tight.c.evict(['v3'])).toEqual(['v1']);
    expect(tight.registry.list()).toEqual(['v3']);
  });

  it('starts a replica from its cache while nginx is stopped, and a replica without a cache cannot start', async () => {
    const cacheDir = join(work, 'replica-cache');
    const env = (extra: Record<string, string> = {}) => ({ MODEL_REGISTRY: cacheDir, MODEL_BACKUP: '', MODEL_PUBLIC_KEY_FILE: join(reg.root, '.keys', 'signing.pub.pem'), MODEL_STORE_URL: nginx.url, ...extra });
    // Warm: the first replica fetches v1 from the store.
    const warm = await startTestReplica(reg, env({ MODEL_VERSION: 'v1' }));
    try {
      expect((await fetch(`${warm.url}/readyz`)).status).toBe(200);
    } finally {
      await warm.close();
    }
    await nginx.stop();
    try {
      const fromCache = await startTestReplica(reg, env());
      try {
        const ready = await fetch(`${fromCache.url}/readyz`);
        expect(ready.status).toBe(200);
        expect(fromCache.host.model?.version).toBe('v1');
        const text = await (await fetch(`${fromCache.url}/metrics`)).text();
        expect(text).toMatch(new RegExp(`${MODEL_STORE_METRIC.storeErrors}\\{model="recsys-two-tower",reason="unreachable"\\} [1-9]`));
      } finally {
        await fromCache.close();
      }
      const noCache = await startTestReplica(reg, env({ MODEL_VERSION: 'v1', MODEL_CACHE: 'off' }));
      try {
        expect((await fetch(`${noCache.url}/readyz`)).status).toBe(503);
        expect(noCache.host.lastError).toMatch(/cannot fetch recsys-two-tower\/v1/);
      } finally {
        await noCache.close();
      }
    } finally {
      await nginx.start();
    }
  });
});

