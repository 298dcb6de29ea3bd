/**
 * The protocol adapters against real services Drillbook does not control, in both load engines:
 * - `oip-v2`: a real inference replica process started with ADMIN_API=off (no admin API at all),
 *   addressed only through the Open Inference Protocol: readiness from /v2/health/ready and the
 *   model's /ready, requests with named tensors, item ids read from the item_ids tensor and scored;
 * - `json`: a tiny node:http JSON API with its own request and answer shapes, some of whose answers
 *   do not fit the adapter: those requests fail, with the field named in the error breakdown.
 * Real k6 runs the same plans when it is on PATH (the test set-up puts it there); otherwise those
 * cases skip and say so.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetProtocol } from '@drillbook/contracts';
import { buildModelProcess, spawnReplica, type Child } from '@drillbook/gateway/__fixtures__/processes';
import { connectTarget } from '../engine/target.js';
import { adapterFor } from './adapters.js';
import { findOnPath } from './k6/which.js';
import { readLoadResult, startLoad } from './index.js';
import type { LoadEngineName, LoadPlan } from './types.js';

const K6 = findOnPath('k6');
if (!K6) console.warn('[adapters.int.test] k6 cases skipped: no `k6` on PATH (install k6 v0.48+ to run them)');
const SESSIONS = fileURLToPath(new URL('./__fixtures__/sessions.json', import.meta.url));
const ENGINES: LoadEngineName[] = K6 ? ['builtin', 'k6'] : ['builtin'];

let dir: string;
let replica: Child;
let jsonApi: { url: string; close(): Promise<void>; received: Array<{ method: string; url: string; body: string; headers: http.IncomingHttpHeaders }> };

/**
 * A JSON API with its own shape: `POST /api/v2/recs?caller=<user>` with `{"who": ..., "n": k}`,
 * answering `{"result": {"recs": [{"sku": ...}], "fallback": bool}, "model": {"rev": ...}}`. For
 * user u-3 it answers 200 with `recs` as a string (a contract break the adapter must catch).
 */
async function startJsonApi(): Promise<typeof jsonApi> {
  const received: (typeof jsonApi)['received'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      if (req.url === '/health') return void res.writeHead(200).end('ok');
      const q = JSON.parse(body || '{}') as { who?: string; n?: number };
      res.setHeader('content-type', 'application/json');
      if (q.who === 'u-3') return void res.end(JSON.stringify({ result: { recs: 'i-30,i-1' }, model: { rev: 12 } }));
      const recs = ['i-2', 'i-1', 'i-9', 'i-30'].slice(0, q.n ?? 10).map((sku) => ({ sku }));
      res.end(JSON.stringify({ result: { recs, fallback: q.who === 'u-2' }, model: { rev: 12 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const JSON_PROTOCOL: TargetProtocol = {
  type: 'json',
  path: '/api/v2/recs?caller={{userId}}',
  body: { who: '{{userId}}', n: '{{k}}', text: '{{query}}' },
  itemIds: '/result/recs',
  itemId: '/sku',
  degraded: '/result/fallback',
  modelVersion: '/model/rev',
  readinessPath: '/health',
};

function plan(baseUrl: string, protocol: TargetProtocol, out: string, extra: Partial<LoadPlan> = {}): LoadPlan {
  return {
    baseUrl,
    protocol,
    phases: [
      { phase: 'baseline', durationS: 2, rate: 10, mix: 'training' },
      { phase: 'fault', durationS: 1, rate: 10, mix: 'drifted' },
    ],
    k: 4,
    timeoutMs: 3000,
    sessions: SESSIONS,
    outDir: join(dir, out),
    scenario: 'load-tests/scenarios/replica-loss.js',
    ...extra,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drillbook-adapters-'));
  const registry = join(dir, 'models');
  await buildModelProcess(registry);
  replica = await spawnReplica({ REPLICA_ID: 'r1', MODEL_REGISTRY: registry, MODEL_VERSION: 'v1', ADMIN_API: 'off' });
  jsonApi = await startJsonApi();
  // The replica answers once its model is loaded.
  const until = Date.now() + 60_000;
  while (Date.now() < until && (await fetch(`${replica.url}/v2/models/recsys-two-tower/ready`).then((r) => r.status, () => 0)) !== 200) await new Promise((r) => setTimeout(r, 200));
});

afterAll(async () => {
  await replica?.kill('SIGKILL');
  await jsonApi?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('oip-v2 against a real replica with its admin API off', () => {
  it('the replica really has no admin API', async () => {
    expect((await fetch(`${replica.url}/admin/faults`, { headers: { authorization: 'Bearer x' } })).status).toBe(404);
  });

  it.each(ENGINES)('%s engine: every request is an inference that answers, its item ids read and scored', async (engine) => {
    const outcome = await startLoad(plan(replica.url, { type: 'oip-v2' }, `oip-${engine}`), { engine }).done;
    expect(outcome.error).toBeUndefined();
    expect(['completed', 'thresholds-crossed']).toContain(outcome.status);
    const result = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(result.totals.requests).toBeGreaterThanOrEqual(28);
    expect(result.totals.errors).toBe(0);
    for (const p of result.phases) {
      expect(p.invalidResponses).toBeUndefined();
      // Every session with ground truth is scored: the ids came out of the item_ids tensor.
      expect(p.scored).toBeGreaterThan(0);
      expect(p.degradedShare).toBe(0);
    }
  });

  it.each(ENGINES)('%s engine: a model the server does not have fails readiness on the model /ready path', async (engine) => {
    const outcome = await startLoad(plan(replica.url, { type: 'oip-v2', model: 'no-such-model' }, `oip-missing-${engine}`), { engine }).done;
    expect(outcome.status).toBe('setup-failed');
    expect(outcome.error).toMatch(/target not ready: GET http:\/\/127\.0\.0\.1:\d+\/v2\/models\/no-such-model\/ready -> HTTP 404/);
  });

  it.each(ENGINES)('%s engine: an item ids tensor name the model does not serve is a failed request, not a crash', async (engine) => {
    const outcome = await startLoad(plan(replica.url, { type: 'oip-v2', outputs: { itemIds: 'ranked_items' } }, `oip-badname-${engine}`, { phases: [{ phase: 'baseline', durationS: 1, rate: 5, mix: 'training' }] }), { engine }).done;
    const result = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(result.totals.requests).toBeGreaterThan(0);
    // The replica refuses to be asked for an output it does not have (HTTP 400): every request failed.
    expect(result.totals.errors).toBe(result.totals.requests);
  });

  it('a drill target addressed through oip-v2 gets through readiness and warm-up without any admin API', async () => {
    const target = await connectTarget({ service: 'foreign', gatewayUrl: replica.url, adminToken: 'unused', sessionsFile: SESSIONS, protocol: { type: 'oip-v2' } });
    expect(target.replicas()).toEqual([]);
    const ready = await target.api.readiness(target.gatewayUrl, 3000);
    expect([ready.status, ready.path]).toEqual([200, '/v2/models/recsys-two-tower/ready']);
    expect(await target.api.recommend({ userId: 'u-1', query: 'running shoes', k: 5 }, 5000)).toBe(true);
    // What the engines read out of a real answer: the k ranked ids of the item_ids tensor, in order.
    const adapter = await adapterFor({ type: 'oip-v2' });
    const req = adapter.build({ userId: 'u-1', query: 'running shoes', k: 5 });
    const text = await (await fetch(`${replica.url}${req.path}`, { method: req.method, headers: req.headers, body: req.body! })).text();
    const tensor = (JSON.parse(text) as { outputs: Array<{ name: string; data: string[] }> }).outputs.find((o) => o.name === 'item_ids')!.data;
    expect(tensor).toHaveLength(5);
    expect(adapter.parse(text)).toEqual({ itemIds: tensor, degraded: false, modelVersion: 'v1' });
    const missing = await connectTarget({ service: 'foreign', gatewayUrl: replica.url, adminToken: 'unused', sessionsFile: SESSIONS, protocol: { type: 'oip-v2', model: 'nope' } });
    expect(await missing.api.readiness(missing.gatewayUrl, 3000)).toMatchObject({ status: 404, path: '/v2/models/nope/ready' });
    expect(await missing.api.recommend({ userId: 'u-1', query: 'q', k: 5 }, 5000)).toBe(false);
  });
});

describe('drillbook run against a foreign oip-v2 target', () => {
  const DRILLBOOK = fileURLToPath(new URL('../../bin/drillbook.js', import.meta.url));
  const runbook = (protocol: string) => `apiVersion: drillbook.dev/v1
kind: Runbook
metadata: { name: foreign-no-token, title: A foreign target with no admin API, owner: team-test }
target:
  service: foreign
${protocol}
hypothesis: The service answers through its own protocol.
load:
  profile: average
  rate: 10
  phases: { baseline: 2s, fault: 2s, recovery: 2s }
objectives:
  - { name: availability, sli: availability, phase: fault, op: ">=", target: 0.99 }
guardrails: { maxDuration: 1m, blastRadius: { maxReplicas: 1 } }
steps:
  - { kind: probe.http, name: model ready, target: gateway, path: /v2/models/recsys-two-tower/ready, expectStatus: 200 }
rollback: []
`;
  const run = (file: string, out: string) =>
    promisify(execFile)(process.execPath, [DRILLBOOK, 'run', file, '--quick', '--yes', '--load', 'builtin', '--target', replica.url, '--sessions', SESSIONS, '--out', out], {
      env: { ...process.env, DRILLBOOK_ADMIN_TOKEN: '' },
      timeout: 120_000,
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('needs no admin token: preflight, load and probes go through the Open Inference Protocol', async () => {
    const file = join(dir, 'foreign-oip.yaml');
    writeFileSync(file, runbook('  protocol: { type: oip-v2 }'));
    const out = join(dir, 'foreign-run');
    const r = await run(file, out);
    expect(r.stderr).not.toMatch(/needs --admin-token/);
    const sc = JSON.parse(readFileSync(join(out, 'scorecard.json'), 'utf8')) as { status: string; statusReason: string; phases: Array<{ phase: string; requests: number; errors: number }> };
    // No fault was injected, so the drill cannot pass; but it ran against the service: every phase
    // sent its requests over OIP and none failed.
    expect(sc.status).toBe('invalid');
    const fault = sc.phases.find((p) => p.phase === 'fault')!;
    expect(fault.requests).toBeGreaterThan(0);
    expect(fault.errors).toBe(0);
    expect(r.code).toBe(2);
  });

  it('still asks for the admin token of a drillbook-protocol target', async () => {
    const file = join(dir, 'reference-protocol.yaml');
    writeFileSync(file, runbook(''));
    const r = await run(file, join(dir, 'reference-run'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--target needs --admin-token/);
  });
});

describe('json adapter against a small JSON API of its own shape', () => {
  it.each(ENGINES)('%s engine: requests follow the template, answers are read through the pointers, a broken answer fails with the field named', async (engine) => {
    const before = jsonApi.received.length;
    const outcome = await startLoad(plan(jsonApi.url, JSON_PROTOCOL, `json-${engine}`), { engine }).done;
    expect(outcome.error).toBeUndefined();
    const mine = jsonApi.received.slice(before);
    expect(mine[0]).toMatchObject({ method: 'GET', url: '/health' });
    const first = mine.find((r) => r.method === 'POST')!;
    expect(first.url).toMatch(/^\/api\/v2\/recs\?caller=u-\d+$/);
    expect(JSON.parse(first.body)).toMatchObject({ n: 4 });
    expect(typeof JSON.parse(first.body).who).toBe('string');
    expect(first.headers['x-synthetic']).toBe('true');

    const result = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    const baseline = result.phases.find((p) => p.phase === 'baseline')!;
    // The training mix cycles u-1..u-4: a quarter of the requests are u-3's, whose answer is broken.
    const brokenCount = baseline.invalidResponses?.['/result/recs: expected an array of item ids, got a string'] ?? 0;
    expect(brokenCount).toBeGreaterThan(0);
    expect(Object.keys(baseline.invalidResponses!)).toEqual(['/result/recs: expected an array of item ids, got a string']);
    expect(baseline.errors).toBe(brokenCount);
    expect(baseline.degraded).toBeGreaterThan(0); // u-2's answers carry fallback: true
    expect(baseline.ndcg10).toBeGreaterThan(0); // u-1's ground truth i-2 comes first
    const fault = result.phases.find((p) => p.phase === 'fault')!;
    expect(fault.invalidResponses).toBeUndefined();
  });
});
