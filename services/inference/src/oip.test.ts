/**
 * The replica's Open Inference Protocol (v2 REST) endpoints against a real replica on 127.0.0.1:
 * metadata, readiness, inference through the same serving path as /v1/recommend, errors that
 * name the field, 404 for unknown models and versions, 503 when not ready, and the admin API off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OipInferResponse } from '@drillbook/contracts';
import { ADMIN, buildTestRegistry, post, startTestReplica, type TestRegistry } from './testing/fixtures.js';
import type { Replica } from './replica.js';
import { publishWeights } from './model/build.js';

const MODEL = 'recsys-two-tower';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const tensor = (name: string, datatype: string, data: unknown[], shape = [1]) => ({ name, datatype, shape, data });
const inferBody = (userId: string, query: string | null, k: number, extra: Record<string, unknown> = {}) => ({
  inputs: [tensor('user_id', 'BYTES', [userId]), ...(query === null ? [] : [tensor('query', 'BYTES', [query])]), tensor('k', 'INT32', [k])],
  ...extra,
});
/** N users (and queries) in one request: the OIP batch dimension. */
const batchBody = (users: string[], queries: string[] | null, k: number, extra: Record<string, unknown> = {}) => ({
  inputs: [tensor('user_id', 'BYTES', users, [users.length]), ...(queries === null ? [] : [tensor('query', 'BYTES', queries, [queries.length])]), tensor('k', 'INT32', [k])],
  ...extra,
});
const output = (res: { body: OipInferResponse }, name: string) => res.body.outputs.find((o) => o.name === name);

async function get(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

let reg: TestRegistry;
beforeAll(async () => {
  reg = await buildTestRegistry();
  await publishWeights(reg.registry, { version: 'v2', world: reg.build.world, weights: reg.build.weights, features: reg.build.features, evalSessions: 50 });
});
afterAll(() => reg.cleanup());

describe('OIP v2 on a replica serving v1', () => {
  let r: Replica;
  beforeAll(async () => {
    // A generous deadline: these tests compare rankings, and on a loaded CI host a 200 ms deadline
    // sometimes answered a row from the popularity fallback (a different ranking, rightly degraded);
    // the feature lookup's timeout likewise.
    r = await startTestReplica(reg, { MODEL_VERSION: 'v1', DEADLINE_MS: '5000', FEATURE_TIMEOUT_MS: '5000' });
  });
  afterAll(() => r.close());

  it('describes the server, and says it is live and ready', async () => {
    const meta = await get(`${r.url}/v2`);
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({ name: 'drillbook-inference', version: expect.stringMatching(/^\d+\.\d+\.\d+/), extensions: [] });
    expect(await get(`${r.url}/v2/health/live`)).toEqual({ status: 200, body: { live: true } });
    expect(await get(`${r.url}/v2/health/ready`)).toEqual({ status: 200, body: { ready: true } });
  });

  it('describes the model with its tensors and versions, on the plain and the versioned path', async () => {
    const expected = {
      name: MODEL,
      versions: ['v1', 'v2'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'user_id', datatype: 'BYTES', shape: [-1] },
        { name: 'query', datatype: 'BYTES', shape: [-1] },
        { name: 'k', datatype: 'INT32', shape: [1] },
      ],
      outputs: [
        { name: 'item_ids', datatype: 'BYTES', shape: [-1, -1] },
        { name: 'scores', datatype: 'FP32', shape: [-1, -1] },
        { name: 'degraded', datatype: 'BOOL', shape: [-1] },
        { name: 'degraded_reason', datatype: 'BYTES', shape: [-1] },
      ],
    };
    expect(await get(`${r.url}/v2/models/${MODEL}`)).toEqual({ status: 200, body: expected });
    expect(await get(`${r.url}/v2/models/${MODEL}/versions/v1`)).toEqual({ status: 200, body: expected });
    expect(await get(`${r.url}/v2/models/${MODEL}/ready`)).toEqual({ status: 200, body: { name: MODEL, ready: true } });
    expect(await get(`${r.url}/v2/models/${MODEL}/versions/v1/ready`)).toEqual({ status: 200, body: { name: MODEL, ready: true } });
  });

  it('infers with named tensors, echoes the id, and ranks exactly as /v1/recommend does', async () => {
    const v1 = await post(`${r.url}/v1/recommend`, { userId: 'u-3', query: 'espresso beans', k: 5 });
    const res = await post(`${r.url}/v2/models/${MODEL}/infer`, inferBody('u-3', 'espresso beans', 5, { id: 'req-42' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model_name: MODEL, model_version: 'v1', id: 'req-42', parameters: { replica: 'r0' } });
    expect(res.body.outputs.map((o: { name: string; datatype: string; shape: number[] }) => [o.name, o.datatype, o.shape])).toEqual([
      ['item_ids', 'BYTES', [5]],
      ['scores', 'FP32', [5]],
      ['degraded', 'BOOL', [1]],
      ['degraded_reason', 'BYTES', [1]],
    ]);
    expect(output(res, 'item_ids')!.data).toEqual(v1.body.items.map((i: { itemId: string }) => i.itemId));
    expect(output(res, 'scores')!.data).toEqual(v1.body.items.map((i: { score: number }) => i.score));
    expect(output(res, 'degraded')!.data).toEqual([false]);
    expect(output(res, 'degraded_reason')!.data).toEqual(['']);
  });

  it('infers on the versioned path, without a query, with nested data and only the outputs asked for', async () => {
    const body = {
      inputs: [tensor('k', 'INT32', [[3]], [1, 1]), tensor('user_id', 'BYTES', ['u-7'])],
      outputs: [{ name: 'scores' }, { name: 'item_ids' }],
    };
    const res = await post(`${r.url}/v2/models/${MODEL}/versions/v1/infer`, body);
    expect(res.status).toBe(200);
    expect(res.body.id).toBeUndefined();
    expect(res.body.outputs.map((o: { name: string }) => o.name)).toEqual(['scores', 'item_ids']);
    expect(output(res, 'item_ids')!.data).toHaveLength(3);
    const plain = await post(`${r.url}/v1/recommend`, { userId: 'u-7', k: 3 });
    expect(output(res, 'item_ids')!.data).toEqual(plain.body.items.map((i: { itemId: string }) => i.itemId));
  });

  it('counts OIP inferences in the same serving metrics, under the route template', async () => {
    await post(`${r.url}/v2/models/${MODEL}/infer`, inferBody('u-1', 'tent', 2), { 'x-synthetic': 'true' });
    const text = await (await fetch(`${r.url}/metrics`)).text();
    expect(text).toMatch(/http_server_request_duration_seconds_count\{http_request_method="POST",http_route="\/v2\/models\/\{model\}\/infer",http_response_status_code="200",synthetic="true",url_scheme="http",error_type=""\} [1-9]/);
    expect(text).toMatch(/http_server_request_duration_seconds_count\{http_request_method="POST",http_route="\/v2\/models\/\{model\}\/versions\/\{version\}\/infer",http_response_status_code="200",synthetic="false",url_scheme="http",error_type=""\} [1-9]/);
    expect(text).toMatch(/inference_requests_total\{model="recsys-two-tower",version="v1",result="success",reason="none"\} ([4-9]|\d\d)/);
  });

  it('answers N users in one request as [N, k] tensors, each row ranked as /v1/recommend ranks it', async () => {
    const users = ['u-3', 'u-7', 'u-11', 'u-3'];
    const queries = ['espresso beans', '', 'tent', 'running shoes'];
    const res = await post(`${r.url}/v2/models/${MODEL}/infer`, batchBody(users, queries, 4, { id: 'batch-1' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model_name: MODEL, model_version: 'v1', id: 'batch-1', parameters: { replica: 'r0' } });
    expect(res.body.outputs.map((o: { name: string; datatype: string; shape: number[] }) => [o.name, o.datatype, o.shape])).toEqual([
      ['item_ids', 'BYTES', [4, 4]],
      ['scores', 'FP32', [4, 4]],
      ['degraded', 'BOOL', [4]],
      ['degraded_reason', 'BYTES', [4]],
    ]);
    expect(output(res, 'degraded_reason')!.data).toEqual(['', '', '', '']);
    const ids = output(res, 'item_ids')!.data;
    for (let row = 0; row < users.length; row++) {
      const plain = await post(`${r.url}/v1/recommend`, { userId: users[row], query: queries[row], k: 4 });
      expect(ids.slice(row * 4, row * 4 + 4), `row ${row}`).toEqual(plain.body.items.map((i: { itemId: string }) => i.itemId));
    }
    // Rows 0 and 3 share a user but not a query: different rankings.
    expect(ids.slice(0, 4)).not.toEqual(ids.slice(12, 16));
    expect(output(res, 'degraded')!.data).toEqual([false, false, false, false]);
    expect(output(res, 'degraded_reason')!.data).toEqual(['', '', '', '']);
  });

  it('counts a request of N rows as N queries in inference_requests_total, and as one HTTP request', async () => {
    const metric = async (pattern: RegExp) => Number(pattern.exec(await (await fetch(`${r.url}/metrics`)).text())?.[1] ?? 0);
    const queries = /inference_requests_total\{model="recsys-two-tower",version="v1",result="success",reason="none"\} (\d+)/;
    const http = /http_server_request_duration_seconds_count\{http_request_method="POST",http_route="\/v2\/models\/\{model\}\/infer",http_response_status_code="200",synthetic="true",url_scheme="http",error_type=""\} (\d+)/;
    const [q0, h0] = [await metric(queries), await metric(http)];
    const res = await post(`${r.url}/v2/models/${MODEL}/infer`, batchBody(['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6', 'u-7'], null, 2), { 'x-synthetic': 'true' });
    expect(res.status).toBe(200);
    expect(await metric(queries)).toBe(q0 + 7);
    expect(await metric(http)).toBe(h0 + 1);
  });

  it('refuses a batch with a bad row without scoring or counting any of its rows', async () => {
    const queries = /inference_requests_total\{model="recsys-two-tower",version="v1",result="success",reason="none"\} (\d+)/;
    const count = async () => Number(queries.exec(await (await fetch(`${r.url}/metrics`)).text())?.[1] ?? 0);
    const before = await count();
    const res = await post(`${r.url}/v2/models/${MODEL}/infer`, batchBody(['u-1', 'u-2', 'u-999999', 'u-4'], null, 3));
    expect(res).toEqual({ status: 400, body: { error: 'inputs[0].data[2]: unknown user u-999999' } });
    expect(await count()).toBe(before);
  });

  const infer = `/v2/models/${MODEL}/infer`;
  it.each([
    ['a body that is not JSON', '{"inputs":', 'body is not valid JSON'],
    ['an array body', [1], 'body: expected a JSON object'],
    ['no inputs', {}, 'inputs: is required'],
    ['an unknown top-level field', { ...inferBody('u-1', 'x', 3), instances: [] }, 'instances: unknown field'],
    ['an id that is not a string', inferBody('u-1', 'x', 3, { id: 42 }), 'id: expected a string'],
    ['an unknown input', { inputs: [tensor('user_id', 'BYTES', ['u-1']), tensor('k', 'INT32', [3]), tensor('limit', 'INT32', [3])] }, 'inputs[2].name: unknown input "limit"'],
    ['k as FP32', { inputs: [tensor('user_id', 'BYTES', ['u-1']), tensor('k', 'FP32', [3])] }, 'inputs[1].datatype: expected INT32 for k'],
    ['k as a string', { inputs: [tensor('user_id', 'BYTES', ['u-1']), tensor('k', 'INT32', ['3'])] }, 'inputs[1].data: expected an INT32 integer for k'],
    ['k of zero', inferBody('u-1', 'x', 0), 'inputs[2].data: k must be between 1 and 100'],
    ['k above 100', inferBody('u-1', 'x', 101), 'inputs[2].data: k must be between 1 and 100'],
    ['a batch of 65 users', { inputs: [tensor('user_id', 'BYTES', Array.from({ length: 65 }, (_, i) => `u-${i}`), [65]), tensor('k', 'INT32', [3])] }, 'inputs[0].shape: at most 64 rows per request, got [65]'],
    ['a query column shorter than the user column', batchBody(['u-1', 'u-2', 'u-3'], ['a', 'b'], 3), 'inputs[1].shape: expected [3] matching inputs[0] (user_id, 3 rows), got [2]'],
    ['one k per row', { inputs: [tensor('user_id', 'BYTES', ['u-1', 'u-2'], [2]), tensor('k', 'INT32', [3, 3], [2])] }, 'inputs[1].shape: expected [1] (one k for every row)'],
    ['an unknown user in row 2 of 3', batchBody(['u-1', 'u-2', 'u-999999'], null, 3), 'inputs[0].data[2]: unknown user u-999999'],
    ['a malformed user id in row 1 of 2', batchBody(['u-1', 'bob'], null, 3), 'inputs[0].data[1]: user_id must look like "u-<number>"'],
    ['a query that is too long in row 1 of 2', batchBody(['u-1', 'u-2'], ['x', 'y'.repeat(600)], 3), 'inputs[1].data[1]: query is longer than 512 characters'],
    ['k above 100 for a batch', batchBody(['u-1', 'u-2'], null, 101), 'inputs[1].data: k must be between 1 and 100'],
    ['data longer than its shape', { inputs: [tensor('user_id', 'BYTES', ['u-1', 'u-2']), tensor('k', 'INT32', [3])] }, 'inputs[0].data: expected 1 element for shape [1], got 2'],
    ['a negative dimension', { inputs: [tensor('user_id', 'BYTES', ['u-1'], [-1]), tensor('k', 'INT32', [3])] }, 'inputs[0].shape: expected an array of non-negative integers'],
    ['a numeric user id', { inputs: [tensor('user_id', 'BYTES', [7]), tensor('k', 'INT32', [3])] }, 'inputs[0].data: expected a string (BYTES) for user_id'],
    ['a malformed user id', inferBody('bob', 'x', 3), 'inputs[0].data: user_id must look like "u-<number>"'],
    ['an unknown user', inferBody('u-999999', 'x', 3), 'inputs[0].data: unknown user u-999999'],
    ['a missing user id', { inputs: [tensor('k', 'INT32', [3])] }, 'inputs: missing input "user_id"'],
    ['a user id given twice', { inputs: [tensor('user_id', 'BYTES', ['u-1']), tensor('k', 'INT32', [3]), tensor('user_id', 'BYTES', ['u-2'])] }, 'inputs[2].name: input "user_id" is given twice'],
    ['an unknown output', inferBody('u-1', 'x', 3, { outputs: [{ name: 'item_ids' }, { name: 'logits' }] }), 'outputs[1].name: unknown output "logits"'],
    ['binary output asked for', inferBody('u-1', 'x', 3, { parameters: { binary_data_output: true } }), 'parameters.binary_data_output: the binary tensor data extension is not supported'],
    ['a query that is too long', inferBody('u-1', 'x'.repeat(600), 3), 'inputs[1].data: query is longer than 512 characters'],
  ])('refuses %s with 400 {"error"} naming the field', async (_name, body, message) => {
    const res = await post(`${r.url}${infer}`, body);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(res.body.error.startsWith(message)).toBe(true);
  });

  it('refuses a binary-extension request (inference-header-content-length) by name', async () => {
    const res = await post(`${r.url}${infer}`, inferBody('u-1', 'x', 3), { 'inference-header-content-length': '120' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^inference-header-content-length: the binary tensor data extension is not supported/);
  });

  it('answers 404 for an unknown model or version on every model endpoint, and 405 for the wrong method', async () => {
    for (const path of ['/v2/models/resnet50', '/v2/models/resnet50/ready', `/v2/models/${MODEL}/versions/v9`, `/v2/models/${MODEL}/versions/v9/ready`]) {
      const res = await get(`${r.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.body.error).toMatch(/unknown (model "resnet50"|version "v9")/);
    }
    for (const path of ['/v2/models/resnet50/infer', `/v2/models/${MODEL}/versions/v9/infer`]) {
      const res = await post(`${r.url}${path}`, inferBody('u-1', 'x', 3));
      expect(res.status, path).toBe(404);
    }
    expect((await get(`${r.url}/v2/models/${MODEL}/explain`)).status).toBe(404);
    const wrong = await fetch(`${r.url}${infer}`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('answers 503 for a version it knows but does not serve, with the model ready endpoint saying why', async () => {
    const ready = await get(`${r.url}/v2/models/${MODEL}/versions/v2/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ name: MODEL, ready: false, reason: expect.stringContaining('it serves "v1"') });
    const res = await post(`${r.url}/v2/models/${MODEL}/versions/v2/infer`, inferBody('u-1', 'x', 3));
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/version "v2" .* not loaded/);
  });

  it('applies the replica faults to OIP inference: an injected error answers {"error"} with its status', async () => {
    await post(`${r.url}/admin/faults`, { type: 'error', status: 502, rate: 1, ttlMs: 300 }, ADMIN);
    const res = await post(`${r.url}${infer}`, inferBody('u-2', 'x', 3));
    expect(res).toEqual({ status: 502, body: { error: 'injected fault: error' } });
    await sleep(400);
    expect((await post(`${r.url}${infer}`, inferBody('u-2', 'x', 3))).status).toBe(200);
  });

  it('is not ready while the model is unavailable, serves the marked fallback meanwhile, and recovers', async () => {
    await post(`${r.url}/admin/faults`, { type: 'model-load-failure', ttlMs: 800 }, ADMIN);
    expect((await get(`${r.url}/v2/health/ready`)).status).toBe(503);
    const model = await get(`${r.url}/v2/models/${MODEL}/ready`);
    expect(model.status).toBe(503);
    expect(model.body).toMatchObject({ name: MODEL, ready: false });
    const res = await post(`${r.url}${infer}`, inferBody('u-2', null, 4));
    expect(res.status).toBe(200);
    expect(output(res, 'degraded')!.data).toEqual([true]);
    expect(output(res, 'degraded_reason')!.data).toEqual(['model_unavailable']);
    expect(output(res, 'item_ids')!.data).toEqual(reg.build.features.popular.slice(0, 4).map((i) => `i-${i}`));
    // A batch: every row from the fallback, marked, in the [N, k] shape.
    const batch = await post(`${r.url}${infer}`, batchBody(['u-2', 'u-5', 'u-9'], null, 2));
    expect(batch.status).toBe(200);
    expect(output(batch, 'item_ids')).toMatchObject({ shape: [3, 2], data: [0, 1, 2].flatMap(() => reg.build.features.popular.slice(0, 2).map((i) => `i-${i}`)) });
    expect(output(batch, 'degraded')!.data).toEqual([true, true, true]);
    expect(output(batch, 'degraded_reason')!.data).toEqual(['model_unavailable', 'model_unavailable', 'model_unavailable']);
    await sleep(1500);
    expect((await get(`${r.url}/v2/health/ready`)).status).toBe(200);
    expect(output(await post(`${r.url}${infer}`, inferBody('u-2', null, 4)), 'degraded')!.data).toEqual([false]);
  });
});

describe('OIP v2 without the fallback', () => {
  it('answers 503 {"error"} for inference while the model is unavailable', async () => {
    const r = await startTestReplica(reg, { MODEL_VERSION: 'v1', FALLBACK: 'false' });
    try {
      await post(`${r.url}/admin/faults`, { type: 'model-load-failure', ttlMs: 400 }, ADMIN);
      const res = await post(`${r.url}/v2/models/${MODEL}/infer`, inferBody('u-2', 'x', 3));
      expect(res.status).toBe(503);
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(res.body.error).toMatch(/model_unavailable/);
    } finally {
      await r.close();
    }
  });
});

describe('a replica started with ADMIN_API=off', () => {
  it('answers 404 on every admin path, even with a valid token, and still serves both protocols', async () => {
    const r = await startTestReplica(reg, { MODEL_VERSION: 'v1', ADMIN_API: 'off' });
    try {
      for (const [method, path] of [
        ['GET', '/admin/faults'],
        ['POST', '/admin/faults'],
        ['DELETE', '/admin/faults'],
        ['GET', '/admin/model'],
        ['POST', '/admin/model/rollback'],
      ]) {
        const res = await fetch(`${r.url}${path}`, { method, headers: { ...ADMIN, 'content-type': 'application/json' }, body: method === 'POST' ? JSON.stringify({ type: 'hang', ttlMs: 1000 }) : undefined });
        expect(res.status, `${method} ${path}`).toBe(404);
      }
      expect(r.faults.list()).toEqual([]);
      expect((await post(`${r.url}/v2/models/${MODEL}/infer`, inferBody('u-1', 'x', 3))).status).toBe(200);
      expect((await post(`${r.url}/v1/recommend`, { userId: 'u-1', k: 3 })).status).toBe(200);
    } finally {
      await r.close();
    }
  });

  it('refuses a value other than on/off/true/false with an error naming ADMIN_API', async () => {
    await expect(startTestReplica(reg, { ADMIN_API: 'maybe' })).rejects.toThrow(/config ADMIN_API: expected true\/false, got "maybe"/);
  });
});
