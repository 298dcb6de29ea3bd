import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tracing } from '@opentelemetry/sdk-node';
import { METRIC, METRIC_LABELS } from '@drillbook/contracts';
import { ADMIN, READ_ONLY, buildTestRegistry, post, startTestReplica, type TestRegistry } from './testing/fixtures.js';
import type { Replica } from './replica.js';
import { publishWeights } from './model/build.js';
import { SPAN } from './telemetry/tracing.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let reg: TestRegistry;
beforeAll(async () => {
  reg = await buildTestRegistry();
});
afterAll(() => reg.cleanup());

describe('serving', () => {
  let r: Replica;
  beforeAll(async () => {
    r = await startTestReplica(reg);
  });
  afterAll(() => r.close());

  it('answers POST /v1/recommend with k ranked items, the model version and degraded=false', async () => {
    const res = await post(`${r.url}/v1/recommend`, { userId: 'u-3', query: 'running shoes', k: 5 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ modelVersion: 'v1', degraded: false, replica: 'r0', model: 'recsys-two-tower' });
    expect(res.body.items).toHaveLength(5);
    const scores = res.body.items.map((i: { score: number }) => i.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('ranks the category the query names: coffee leads the top 10 for "espresso beans"', async () => {
    const res = await post(`${r.url}/v1/recommend`, { userId: 'u-3', query: 'espresso beans', k: 10 });
    const { categories, itemCategory } = reg.build.features;
    const counts = new Map<string, number>();
    for (const it of res.body.items as Array<{ itemId: string }>) {
      const c = categories[itemCategory[Number(it.itemId.slice(2))]];
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
    expect(top).toBe('coffee');
    expect(n).toBeGreaterThanOrEqual(4);
  });

  it.each([
    ['a body that is not JSON', '{"userId":', 400, 'body'],
    ['an array body', [1, 2], 400, 'body'],
    ['k as a string', { userId: 'u-1', k: '10' }, 400, 'k'],
    ['k of zero', { userId: 'u-1', k: 0 }, 400, 'k'],
    ['k above 100', { userId: 'u-1', k: 101 }, 400, 'k'],
    ['a missing k', { userId: 'u-1' }, 400, 'k'],
    ['a numeric userId', { userId: 7, k: 3 }, 400, 'userId'],
    ['a malformed userId', { userId: 'bob', k: 3 }, 400, 'userId'],
    ['an unknown user', { userId: 'u-999999', k: 3 }, 404, 'userId'],
    ['a query that is not a string', { userId: 'u-1', k: 3, query: 5 }, 400, 'query'],
    ['an unknown field', { userId: 'u-1', k: 3, limit: 4 }, 400, 'limit'],
    ['a huge body', { userId: 'u-1', k: 3, query: 'x'.repeat(20_000) }, 413, 'body'],
  ])('rejects %s with a 4xx naming the field', async (_name, body, status, field) => {
    const res = await post(`${r.url}/v1/recommend`, body);
    expect(res.status).toBe(status);
    expect(res.body.field).toBe(field);
    expect(typeof res.body.error).toBe('string');
  });

  it('reports alive on /healthz and ready with the serving version on /readyz', async () => {
    expect((await fetch(`${r.url}/healthz`)).status).toBe(200);
    const ready = await (await fetch(`${r.url}/readyz`)).json();
    expect(ready).toMatchObject({ ready: true, replica: 'r0', model: { version: 'v1', sha256: reg.build.manifest.artefacts.model.sha256 } });
  });

  it('exposes every contract metric on /metrics with exactly the contract labels', async () => {
    await post(`${r.url}/v1/recommend`, { userId: 'u-1', k: 3 }, { 'x-synthetic': 'true' });
    await sleep(1100); // gauges refresh once a second
    const text = await (await fetch(`${r.url}/metrics`)).text();
    const labelsOf = (name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(name + '{') || l.startsWith(name + '_bucket{'));
      expect(line, `no sample for ${name}`).toBeTruthy();
      return [...line!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1]).filter((l) => l !== 'le');
    };
    for (const [name, labels] of Object.entries(METRIC_LABELS)) expect(labelsOf(name)).toEqual(labels);
    expect(text).toMatch(/http_server_request_duration_seconds_bucket\{le="0.25",http_request_method="POST",http_route="\/v1\/recommend",http_response_status_code="200",synthetic="true",url_scheme="http",error_type=""\}/);
    for (const b of ['0.005', '0.075', '0.25', '0.75', '2.5', '7.5', '10']) expect(text).toContain(`le="${b}"`);
    expect(text).toMatch(/accelerator_utilization_ratio\{device="cpu0",kind="cpu"\} [0-9.e-]+/);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toMatch(new RegExp(`${METRIC.modelInfo}\\{model="recsys-two-tower",version="v1",sha256="[a-f0-9]{64}"\\} 1`));
  });
});

describe('model registry over the admin API', () => {
  let r: Replica;
  beforeAll(async () => {
    await publishWeights(reg.registry, { version: 'v2', world: reg.build.world, weights: reg.build.weights, features: reg.build.features, evalSessions: 100 });
    r = await startTestReplica(reg, { MODEL_VERSION: 'v1' });
  });
  afterAll(() => r.close());

  it('refuses a tampered version with an error naming the file, and keeps serving the version it had', async () => {
    await publishWeights(reg.registry, { version: 'v3-tampered', world: reg.build.world, weights: reg.build.weights, features: reg.build.features, evalSessions: 50 });
    for (const root of [reg.root, reg.backup]) {
      const file = join(root, 'recsys-two-tower', 'v3-tampered', 'model.onnx');
      const b = readFileSync(file);
      b[100] ^= 0xff;
      writeFileSync(file, b);
    }
    const res = await post(`${r.url}/admin/model`, { version: 'v3-tampered' }, ADMIN);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/v3-tampered\/model\.onnx: sha256 mismatch/);
    const served = await post(`${r.url}/v1/recommend`, { userId: 'u-1', k: 3 });
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ modelVersion: 'v1', degraded: false });
  });

  it('deploys a version and rolls back to the previous one by API', async () => {
    const dep = await post(`${r.url}/admin/model`, { version: 'v2' }, ADMIN);
    expect(dep.status).toBe(200);
    expect(dep.body.serving.version).toBe('v2');
    expect((await post(`${r.url}/v1/recommend`, { userId: 'u-1', k: 3 })).body.modelVersion).toBe('v2');
    const rb = await post(`${r.url}/admin/model/rollback`, {}, ADMIN);
    expect(rb.body.serving.version).toBe('v1');
    expect((await post(`${r.url}/v1/recommend`, { userId: 'u-1', k: 3 })).body.modelVersion).toBe('v1');
  });

  it('refuses deploys from a read-only token and from no token', async () => {
    expect((await post(`${r.url}/admin/model`, { version: 'v2' }, READ_ONLY)).status).toBe(403);
    expect((await post(`${r.url}/admin/model`, { version: 'v2' })).status).toBe(401);
  });
});

describe('faults and degraded serving', () => {
  let r: Replica;
  beforeAll(async () => {
    r = await startTestReplica(reg, { MODEL_VERSION: 'v1' });
  });
  afterAll(() => r.close());

  it('serves the popularity fallback marked degraded while the model is unavailable, and recovers when the fault expires', async () => {
    const f = await post(`${r.url}/admin/faults`, { type: 'model-load-failure', ttlMs: 800 }, ADMIN);
    expect(f.status).toBe(201);
    const res = await post(`${r.url}/v1/recommend`, { userId: 'u-2', k: 4 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ degraded: true, reason: 'model_unavailable' });
    expect(res.body.items.map((i: { itemId: string }) => i.itemId)).toEqual(reg.build.features.popular.slice(0, 4).map((i) => `i-${i}`));
    expect((await fetch(`${r.url}/readyz`)).status).toBe(503);
    await sleep(1500);
    expect((await fetch(`${r.url}/readyz`)).status).toBe(200);
    expect((await post(`${r.url}/v1/recommend`, { userId: 'u-2', k: 4 })).body.degraded).toBe(false);
    const metrics = await (await fetch(`${r.url}/metrics`)).text();
    expect(metrics).toMatch(/recsys_fallback_total\{model="recsys-two-tower",reason="model_unavailable"\} [1-9]/);
  });

  it('serves the anonymous-user model marked degraded when the feature store is down', async () => {
    await post(`${r.url}/admin/faults`, { type: 'dependency-outage', ttlMs: 500 }, ADMIN);
    const res = await post(`${r.url}/v1/recommend`, { userId: 'u-2', query: 'tent', k: 4 });
    expect(res.body).toMatchObject({ degraded: true, reason: 'dependency', modelVersion: 'v1' });
    await sleep(700);
  });

  it('answers from the fallback when the feature store is slower than its deadline', async () => {
    await post(`${r.url}/admin/faults`, { type: 'dependency-latency', latencyMs: 400, ttlMs: 600 }, ADMIN);
    const started = Date.now();
    const res = await post(`${r.url}/v1/recommend`, { userId: 'u-2', k: 4 });
    expect(res.body).toMatchObject({ degraded: true, reason: 'dependency' });
    expect(Date.now() - started).toBeLessThan(400);
    await sleep(700);
  });

  it('expires a fault after its TTL with no call, and lists remaining time while active', async () => {
    const f = await post(`${r.url}/admin/faults`, { type: 'latency', latencyMs: 5, ttlMs: 400 }, ADMIN);
    const list = (await (await fetch(`${r.url}/admin/faults`, { headers: READ_ONLY })).json()) as any;
    expect(list.faults).toHaveLength(1);
    expect(list.faults[0].remainingMs).toBeGreaterThan(0);
    expect(list.faults[0].remainingMs).toBeLessThanOrEqual(400);
    await sleep(600);
    const after = (await (await fetch(`${r.url}/admin/faults`, { headers: READ_ONLY })).json()) as any;
    expect(after.faults).toEqual([]);
    const again = await fetch(`${r.url}/admin/faults/${f.body.id}`, { method: 'DELETE', headers: ADMIN });
    expect(again.status).toBe(200); // clearing is idempotent
    expect(((await again.json()) as any).cleared).toEqual([]);
  });

  it('answers injected errors with the requested status at the requested rate', async () => {
    await post(`${r.url}/admin/faults`, { type: 'error', status: 502, rate: 1, ttlMs: 300 }, ADMIN);
    expect((await post(`${r.url}/v1/recommend`, { userId: 'u-2', k: 4 })).status).toBe(502);
    await sleep(400);
    expect((await post(`${r.url}/v1/recommend`, { userId: 'u-2', k: 4 })).status).toBe(200);
  });

  it.each([
    ['an unknown type', { type: 'meteor', ttlMs: 100 }, 'type'],
    ['no TTL', { type: 'latency', latencyMs: 10 }, 'ttlMs'],
    ['a negative rate', { type: 'error', rate: -0.1, ttlMs: 100 }, 'rate'],
    ['a rate above 1', { type: 'error', rate: 1.5, ttlMs: 100 }, 'rate'],
    ['a latency fault without latencyMs', { type: 'latency', ttlMs: 100 }, 'latencyMs'],
    ['a field that does not apply', { type: 'crash', ttlMs: 100, latencyMs: 5 }, 'latencyMs'],
    ['a TTL of zero', { type: 'hang', ttlMs: 0 }, 'ttlMs'],
  ])('rejects a fault with %s (400, field named)', async (_n, body, field) => {
    const res = await post(`${r.url}/admin/faults`, body, ADMIN);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  it('requires a token for faults: 401 without, 403 for a read-only token', async () => {
    expect((await post(`${r.url}/admin/faults`, { type: 'hang', ttlMs: 100 })).status).toBe(401);
    expect((await post(`${r.url}/admin/faults`, { type: 'hang', ttlMs: 100 }, READ_ONLY)).status).toBe(403);
    expect((await fetch(`${r.url}/admin/faults`)).status).toBe(401);
  });
});

describe('without the fallback (mutation used by drills)', () => {
  it('turns a model outage into 503s instead of degraded answers', async () => {
    const r = await startTestReplica(reg, { MODEL_VERSION: 'v1', FALLBACK: 'false' });
    try {
      await post(`${r.url}/admin/faults`, { type: 'model-load-failure', ttlMs: 300 }, ADMIN);
      expect((await post(`${r.url}/v1/recommend`, { userId: 'u-2', k: 4 })).status).toBe(503);
    } finally {
      await r.close();
    }
  });
});

describe('deadline', () => {
  it('answers from the fallback marked degraded when inference misses the deadline', async () => {
    const r = await startTestReplica(reg, { MODEL_VERSION: 'v1', DEADLINE_MS: '1', BATCH_DELAY_MS: '50' });
    try {
      const res = await post(`${r.url}/v1/recommend`, { userId: 'u-2', k: 4 });
      expect(res.body).toMatchObject({ degraded: true, reason: 'deadline' });
    } finally {
      await r.close();
    }
  });
});

describe('tracing', () => {
  it('records request -> queue -> batch -> inference spans in one trace', async () => {
    const exporter = new tracing.InMemorySpanExporter();
    const r = await startTestReplica(reg, { MODEL_VERSION: 'v1' }, { spanExporter: exporter });
    try {
      const res = await post(`${r.url}/v1/recommend`, { userId: 'u-2', k: 4 });
      await sleep(50);
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === res.body.traceId);
      const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
      expect(Object.keys(byName).sort()).toEqual([SPAN.request, SPAN.batch, SPAN.onnx, SPAN.queue].sort());
      const id = (n: string) => byName[n].spanContext().spanId;
      const parent = (n: string) => byName[n].parentSpanContext?.spanId;
      expect(parent(SPAN.queue)).toBe(id(SPAN.request));
      expect(parent(SPAN.batch)).toBe(id(SPAN.request));
      expect(parent(SPAN.onnx)).toBe(id(SPAN.batch));
      expect(byName[SPAN.batch].attributes['inference.batch.size']).toBeGreaterThanOrEqual(1);
    } finally {
      await r.close();
    }
  });
});

describe('input drift', () => {
  it('reports higher KL and PSI for the drifted mix than for the training mix', async () => {
    const sessions = JSON.parse(readFileSync(reg.build.sessionsFile!, 'utf8'));
    const measure = async (mix: 'training' | 'drifted') => {
      const r = await startTestReplica(reg, { MODEL_VERSION: 'v1', DRIFT_WINDOW: '300' });
      try {
        for (const t of sessions[mix].slice(0, 300)) await post(`${r.url}/v1/recommend`, { userId: t.userId, query: t.query, k: 3 });
        await sleep(1100);
        const text = await (await fetch(`${r.url}/metrics`)).text();
        const v = (name: string, dim: string) => Number(new RegExp(`${name}\\{dimension="${dim}"\\} ([0-9.e-]+)`).exec(text)![1]);
        return { catKl: v('recsys_input_drift_kl_divergence', 'query_category'), segPsi: v('recsys_input_drift_psi', 'user_segment') };
      } finally {
        await r.close();
      }
    };
    const train = await measure('training');
    const drift = await measure('drifted');
    expect(drift.catKl).toBeGreaterThan(train.catKl * 2);
    expect(drift.segPsi).toBeGreaterThan(train.segPsi * 2);
    expect(drift.segPsi).toBeGreaterThan(0.1);
  }, 60_000);
});
