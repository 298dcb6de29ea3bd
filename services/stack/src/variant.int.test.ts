/**
 * The embedded stack serving a compressed model variant (spec `model.variant`, issue 23): the cache
 * publishes `<version>-int8` signed beside the base it was derived from (the cached base is kept as it
 * is), and every replica serves it and answers /v1/recommend with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadSessionsFile, RecommendResponse } from '@drillbook/contracts';
import { Stack } from './Stack.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-stack-variant-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const manifestOf = (root: string, version: string) => JSON.parse(readFileSync(join(root, 'recsys-two-tower', version, 'manifest.json'), 'utf8'));
/** The default model cache every stack of this checkout shares (Stack's `modelCache` default). */
const CACHE = join(fileURLToPath(new URL('../../../', import.meta.url)), '.drillbook', 'model-cache', 'world-5000x2000-s7');

describe('embedded stack with model.variant int8', () => {
  let stack: Stack;
  const logs: string[] = [];
  let baseShaBefore: string | null = null;
  beforeAll(async () => {
    baseShaBefore = existsSync(join(CACHE, '.built-v1')) ? manifestOf(CACHE, 'v1').artefacts.model.sha256 : null;
    stack = await Stack.start({ dir: join(dir, 's'), replicas: 2, shoppers: false, logLevel: 'warn', model: { variant: 'int8' }, onLog: (l) => logs.push(l) });
  }, 900_000);
  afterAll(() => stack?.stop());

  it('every replica reports the -int8 version as ready, the signed variant of the base it was derived from', async () => {
    expect(stack.info.modelVersion).toBe('v1-int8');
    const manifest = manifestOf(stack.info.registryRoot, 'v1-int8');
    expect(manifest.provenance).toMatchObject({ variant: 'int8', derivedFrom: 'v1' });
    expect(manifest.signature.alg).toBe('ed25519');
    for (const r of stack.info.replicas) {
      const ready = await (await fetch(`${r.url}/readyz`)).json();
      expect(ready).toMatchObject({ ready: true, model: { version: 'v1-int8', sha256: manifest.artefacts.model.sha256 } });
    }
    // The cache keeps its fp32 base as it was (stacks without a variant still serve it), and the
    // stack's registry holds only the version it serves, so the replicas cannot pick another.
    const base = manifestOf(CACHE, 'v1');
    if (baseShaBefore) expect(base.artefacts.model.sha256).toBe(baseShaBefore);
    expect(manifestOf(CACHE, 'v1-int8').artefacts.model.sha256).toBe(manifest.artefacts.model.sha256);
    expect(manifest.artefacts.model.size).toBeLessThan(base.artefacts.model.size / 2);
    expect(existsSync(join(stack.info.registryRoot, 'recsys-two-tower', 'v1'))).toBe(false);
  });

  it('answers /v1/recommend through the gateway with the int8 model, not the fallback', async () => {
    const sessions = JSON.parse(readFileSync(stack.info.sessionsFile, 'utf8')) as LoadSessionsFile;
    for (const t of sessions.training.slice(0, 5)) {
      const res = await fetch(`${stack.info.gatewayUrl}/v1/recommend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: t.userId, query: t.query, k: 10 }) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as RecommendResponse;
      expect(body).toMatchObject({ modelVersion: 'v1-int8', degraded: false });
      expect(body.items).toHaveLength(10);
    }
  });
});
