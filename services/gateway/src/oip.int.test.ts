/**
 * The gateway passes the Open Inference Protocol (v2 REST) through to real inference replica
 * processes started with their admin API off (a service Drillbook does not control), health-
 * checked on `/v2/health/ready`: metadata and inference relayed, 4xx never retried, a frozen
 * replica's attempt retried on the other, and the gateway's own fallback as an inference response.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { Gateway } from './Gateway.js';
import { FAST_CONFIG, waitFor } from './__fixtures__/harness.js';
import { buildModelProcess, type Child, spawnReplica } from './__fixtures__/processes.js';

const MODEL = 'recsys-two-tower';
const INFER = `/v2/models/${MODEL}/infer`;
const tensor = (name: string, datatype: string, data: unknown[]) => ({ name, datatype, shape: [1], data });
const inferBody = (userId: string, k: number, extra: Record<string, unknown> = {}) => ({
  inputs: [tensor('user_id', 'BYTES', [userId]), tensor('query', 'BYTES', ['running shoes']), tensor('k', 'INT32', [k])],
  ...extra,
});

/** N users in one request: the OIP batch dimension. */
const batchBody = (users: string[], k: number, extra: Record<string, unknown> = {}) => ({
  inputs: [{ name: 'user_id', datatype: 'BYTES', shape: [users.length], data: users }, { name: 'k', datatype: 'INT32', shape: [1], data: [k] }],
  ...extra,
});
const shapeOf = (a: Answer, name: string) => (a.body.outputs as Array<{ name: string; shape: number[] }>).find((o) => o.name === name)?.shape;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

async function call(url: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(new URL(path, url), {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.json() };
}

const output = (a: Answer, name: string) => (a.body.outputs as Array<{ name: string; data: unknown[] }>).find((o) => o.name === name)?.data;

async function metricValue(url: string, line: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

let dir: string;
let replicas: Child[] = [];
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drillbook-gw-oip-'));
  const registry = join(dir, 'models');
  await buildModelProcess(registry);
  replicas = await Promise.all(['r1', 'r2'].map((id) => spawnReplica({ REPLICA_ID: id, MODEL_REGISTRY: registry, MODEL_VERSION: 'v1', ADMIN_API: 'off' })));
  gateway = new Gateway(
    parseConfig({
      ...FAST_CONFIG,
      upstreams: replicas.map((r, i) => ({ id: `r${i + 1}`, url: r.url, zone: 'zone-a' })),
      healthCheck: { ...FAST_CONFIG.healthCheck, path: '/v2/health/ready' },
      balancer: 'least-outstanding',
      popularRefreshMs: 200,
      tryTimeoutMs: 1_500,
      requestTimeoutMs: 10_000,
      outlier: { consecutiveFailures: 100, baseEjectionMs: 1_000, maxEjectionMs: 1_000 },
    }),
    { logger: pino({ level: 'silent' }), defaultMetrics: false },
  );
  url = (await gateway.start()).url;
  await waitFor('both replicas ready', () => gateway.pool.eligibleCount() === 2, 60_000);
  await waitFor('the fallback list cached', () => gateway.popular.list !== null, 30_000);
});

afterAll(async () => {
  await gateway?.stop(200);
  for (const r of replicas) {
    r.process.kill('SIGCONT');
    await r.kill('SIGKILL');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('OIP v2 through the gateway to replicas with their admin API off', () => {
  it('the replicas really have no admin API', async () => {
    for (const r of replicas) expect((await fetch(`${r.url}/admin/faults`, { headers: { authorization: 'Bearer x' } })).status).toBe(404);
  });

  it('answers liveness and readiness itself, and passes server and model metadata through', async () => {
    expect(await call(url, '/v2/health/live')).toMatchObject({ status: 200, body: { live: true } });
    expect(await call(url, '/v2/health/ready')).toMatchObject({ status: 200, body: { ready: true, eligible: 2 } });
    const server = await call(url, '/v2');
    expect(server.status).toBe(200);
    expect(server.body).toMatchObject({ name: 'drillbook-inference', extensions: [] });
    expect(['r1', 'r2']).toContain(server.headers['x-drillbook-replica']);
    const model = await call(url, `/v2/models/${MODEL}`);
    expect(model.status).toBe(200);
    expect(model.body).toMatchObject({ name: MODEL, versions: ['v1'], platform: 'onnxruntime_onnx' });
    expect(model.body.inputs.map((t: { name: string }) => t.name)).toEqual(['user_id', 'query', 'k']);
    expect(await call(url, `/v2/models/${MODEL}/versions/v1/ready`)).toMatchObject({ status: 200, body: { name: MODEL, ready: true } });
  });

  it('passes an inference through: outputs, id, version, replica and attempts', async () => {
    const a = await call(url, INFER, inferBody('u-3', 5, { id: 'gw-1' }));
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ model_name: MODEL, model_version: 'v1', id: 'gw-1' });
    expect(output(a, 'item_ids')).toHaveLength(5);
    expect(output(a, 'degraded')).toEqual([false]);
    expect(a.headers['x-drillbook-attempts']).toBe('1');
    expect(['r1', 'r2']).toContain(a.headers['x-drillbook-replica']);
    expect(a.body.parameters.replica).toBe(a.headers['x-drillbook-replica']);
    const versioned = await call(url, `/v2/models/${MODEL}/versions/v1/infer`, inferBody('u-3', 5));
    expect(output(versioned, 'item_ids')).toEqual(output(a, 'item_ids'));
  });

  it('passes a batch of N users through to one replica and relays its [N, k] answer; a bad row is a located 400', async () => {
    const a = await call(url, INFER, batchBody(['u-3', 'u-4', 'u-5'], 4, { id: 'gw-batch' }));
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ model_name: MODEL, model_version: 'v1', id: 'gw-batch' });
    expect(shapeOf(a, 'item_ids')).toEqual([3, 4]);
    expect(output(a, 'item_ids')).toHaveLength(12);
    expect(output(a, 'degraded')).toEqual([false, false, false]);
    const one = await call(url, INFER, batchBody(['u-4'], 4));
    expect(output(a, 'item_ids')!.slice(4, 8)).toEqual(output(one, 'item_ids'));
    const bad = await call(url, INFER, batchBody(['u-3', 'nobody'], 4));
    expect(bad).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^inputs\[0\]\.data\[1\]: user_id must look like/) } });
    expect(bad.headers['x-drillbook-attempts']).toBe('1');
  });

  it('scores the served ranking when the request carries ground truth', async () => {
    const before = await metricValue(url, 'recsys_served_ndcg_count{version="v1"}');
    const a = await call(url, INFER, inferBody('u-3', 10), { 'x-ground-truth': 'i-1,i-2' });
    expect(a.status).toBe(200);
    expect(await metricValue(url, 'recsys_served_ndcg_count{version="v1"}')).toBe(before + 1);
  });

  it('relays a malformed tensor (400) and an unknown model (404) as they are, without a retry', async () => {
    const bad = await call(url, INFER, { inputs: [tensor('user_id', 'BYTES', ['u-1']), tensor('k', 'FP32', [3])] });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: expect.stringMatching(/^inputs\[1\]\.datatype: expected INT32 for k/) });
    expect(bad.headers['x-drillbook-attempts']).toBe('1');
    const unknown = await call(url, '/v2/models/resnet50/infer', inferBody('u-1', 3));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/unknown model "resnet50"/);
    expect(unknown.headers['x-drillbook-attempts']).toBe('1');
    expect(await metricValue(url, 'gateway_retries_total{reason="server_error"}')).toBe(0);
  });

  it('retries an inference stuck on a frozen replica on the other one: every client answer is a 200', async () => {
    const frozen = replicas[0];
    frozen.process.kill('SIGSTOP');
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => call(url, INFER, inferBody(`u-${i + 1}`, 3))));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      expect(answers.every((a) => a.headers['x-drillbook-replica'] === 'r2')).toBe(true);
      expect(answers.some((a) => a.headers['x-drillbook-attempts'] === '2')).toBe(true);
      expect(await metricValue(url, 'gateway_retries_total{reason="timeout"}')).toBeGreaterThanOrEqual(1);
    } finally {
      frozen.process.kill('SIGCONT');
    }
    await waitFor('the thawed replica back in the pool', () => gateway.pool.eligibleCount() === 2, 30_000);
  });

  it('with no replica left: not ready on /v2/health/ready, and inference answered from its fallback, marked degraded', async () => {
    for (const r of replicas) await r.kill('SIGKILL');
    await waitFor('every replica out', () => gateway.pool.eligibleCount() === 0, 30_000);
    expect(await call(url, '/v2/health/ready')).toMatchObject({ status: 503, body: { ready: false, reason: 'no upstream is ready' } });
    const a = await call(url, INFER, inferBody('u-1', 4, { id: 'fb-1', outputs: [{ name: 'item_ids' }, { name: 'degraded' }, { name: 'degraded_reason' }] }));
    expect(a.status).toBe(200);
    expect(a.headers['x-drillbook-replica']).toBe('gateway');
    expect(a.body).toMatchObject({ model_name: MODEL, id: 'fb-1', parameters: { replica: 'gateway' } });
    expect(a.body.outputs.map((o: { name: string }) => o.name)).toEqual(['item_ids', 'degraded', 'degraded_reason']);
    expect(output(a, 'item_ids')).toHaveLength(4);
    expect(output(a, 'degraded')).toEqual([true]);
    expect(output(a, 'degraded_reason')).toEqual(['no_upstream']);
    const fallbackLine = `recsys_fallback_total{model="${MODEL}",reason="no_upstream"}`;
    const counted = await metricValue(url, fallbackLine);
    const batch = await call(url, INFER, batchBody(['u-1', 'u-2', 'u-3'], 2));
    expect(batch.status).toBe(200);
    expect(shapeOf(batch, 'item_ids')).toEqual([3, 2]);
    expect(output(batch, 'item_ids')).toEqual([...output(a, 'item_ids')!.slice(0, 2), ...output(a, 'item_ids')!.slice(0, 2), ...output(a, 'item_ids')!.slice(0, 2)]);
    expect(output(batch, 'degraded')).toEqual([true, true, true]);
    expect(await metricValue(url, fallbackLine)).toBe(counted + 3);
    const tooMany = await call(url, INFER, batchBody(Array.from({ length: 65 }, (_, i) => `u-${i}`), 2));
    expect(tooMany).toMatchObject({ status: 400, body: { error: 'inputs[0].shape: at most 64 rows per request, got [65]' } });
    const bad = await call(url, INFER, inferBody('u-1', 0));
    expect(bad).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^inputs\[2\]\.data: k must be between 1 and 100/) } });
    expect((await call(url, '/v2/models/resnet50/infer', inferBody('u-1', 3))).status).toBe(503);
    expect((await call(url, `/v2/models/${MODEL}`)).status).toBe(503);
  });
});
