/**
 * The controller in-process, over real HTTP, against a stand-in service endpoint (no stack): the
 * API's error shapes, authentication, CORS, query validation, SSE replay, and a drill whose
 * service cannot be reached.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { openApiDocument, type DrillSummary, type ServiceSummary, type StartDrillResponse } from '@drillbook/contracts';
import { defaultConfig } from '../config/load.js';
import type { ControllerConfig } from '../config/types.js';
import { startController, type RunningController } from '../Controller.js';
import { api, followEvents, waitFor } from '../__fixtures__/api.js';
import { gatewayText, metricsServer, replicaText, type MetricsServer } from '../../catalogue/__fixtures__/metricsServer.js';

const RUNBOOKS = fileURLToPath(new URL('../__fixtures__/runbooks', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'drillbook-http-'));
let gw: MetricsServer;
let r0: MetricsServer;

function config(over: Partial<ControllerConfig> = {}, name = 'c'): ControllerConfig {
  const base = defaultConfig();
  return {
    ...base,
    dataDir: join(dir, name),
    runbooks: [RUNBOOKS],
    refreshIntervalS: 1,
    loadEngine: 'builtin',
    services: [
      {
        id: 'recsys-reference',
        title: 'Stand-in',
        owner: 'team-test',
        tags: [],
        gateway: { url: gw.url, adminToken: 'adm' },
        replicas: [{ id: 'r0', zone: 'zone-a', url: r0.url }],
        prometheus: { replicaSelector: 'job="recsys-replica"' },
        gpu: {},
      },
    ],
    ...over,
  };
}

/** Validates a body against a component schema of the contract's OpenAPI document. */
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(JSON.parse(JSON.stringify(openApiDocument)), 'openapi');
function conforms(component: string, body: unknown): string[] {
  const v = ajv.getSchema(`openapi#/components/schemas/${component}`)!;
  return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const TOKENS = { DRILLBOOK_TOKENS: 'v:viewer,o:operator,a:admin' };
let ctl: RunningController;
let http: ReturnType<typeof api>;

beforeAll(async () => {
  [gw, r0] = await Promise.all([metricsServer(), metricsServer()]);
  gw.set(gatewayText({ ok: 100, failed: 0 }));
  r0.set(replicaText({ version: 'v7' }));
  r0.ready(200, 'v7');
  ctl = await startController(config(), { port: 0, env: TOKENS, log: () => {} });
  http = api(ctl.url);
});

afterAll(async () => {
  await ctl?.stop();
  await Promise.all([gw?.close(), r0?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('controller API over HTTP', () => {
  it('asks for a bearer token with 401 and WWW-Authenticate, and serves the OpenAPI document without one', async () => {
    const res = await fetch(`${ctl.url}/api/v1/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await res.json()).toEqual({ error: 'missing bearer token (Authorization: Bearer <token>)' });
    expect(conforms('WhoAmI', (await http.get('/me', 'v')).body)).toEqual([]);
    expect(conforms('WhoAmI', { subject: 'x', role: 'root' })).not.toEqual([]); // the schema check is live
    expect((await http.get('/me', 'a')).body).toEqual({ subject: expect.stringMatching(/^env:admin-/), role: 'admin', services: ['*'] });
    const doc = await http.get<{ paths: Record<string, unknown> }>('/openapi.json');
    expect(Object.keys(doc.body.paths)).toContain('/drills/{drillId}/events');
  });

  it('answers CORS preflights only for configured origins (off by default)', async () => {
    const pre = (url: string, origin: string) => fetch(`${url}/api/v1/services`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    const off = await pre(ctl.url, 'https://backstage.example.com');
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    expect(off.status).toBe(405);
    const withCors = await startController(config({ cors: { origins: ['https://backstage.example.com'] } }, 'cors'), { port: 0, env: TOKENS, log: () => {} });
    try {
      const ok = await pre(withCors.url, 'https://backstage.example.com');
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://backstage.example.com');
      expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
      const other = await pre(withCors.url, 'https://evil.example.com');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await withCors.stop();
    }
  });

  it('names the bad field of a request: body, query parameters and Last-Event-ID', async () => {
    const bad = await fetch(`${ctl.url}/api/v1/drills`, { method: 'POST', headers: { authorization: 'Bearer o', 'content-type': 'application/json' }, body: '{"runbook":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'body', error: expect.stringMatching(/not valid JSON/) });
    const form = await fetch(`${ctl.url}/api/v1/drills`, { method: 'POST', headers: { authorization: 'Bearer o', 'content-type': 'text/plain' }, body: 'runbook=x' });
    expect(form.status).toBe(415);
    expect((await http.get<{ field: string }>('/drills?limit=0', 'v')).body.field).toBe('limit');
    expect((await http.get<{ field: string }>('/drills?state=done', 'v')).body).toMatchObject({ field: 'state', error: expect.stringMatching(/expected one of queued, running, passed/) });
    expect((await http.get('/services/recsys-reference/scorecards?limit=9999', 'v')).status).toBe(400);
    const missing = await http.post<{ field: string; details: unknown[] }>('/drills', 'o', {});
    expect(missing.body).toMatchObject({ field: 'runbook', details: [{ field: 'runbook', message: 'is required' }] });
    const ev = await fetch(`${ctl.url}/api/v1/drills/x/events`, { headers: { authorization: 'Bearer v', 'last-event-id': 'abc' } });
    expect([ev.status, ((await ev.json()) as { field: string }).field]).toEqual([400, 'Last-Event-ID']);
  });

  it('answers 404 for unknown routes, services, runbooks and drills, and 405 with Allow for a wrong method', async () => {
    expect((await http.get('/nope', 'v')).status).toBe(404);
    expect((await http.get('/runbooks/nope', 'v')).status).toBe(404);
    expect((await http.get('/drills/nope', 'v')).status).toBe(404);
    expect((await http.get('/drills/nope/scorecard', 'v')).status).toBe(404);
    expect((await http.post('/drills/nope/abort', 'o', {})).status).toBe(404);
    const wrong = await fetch(`${ctl.url}/api/v1/services`, { method: 'DELETE', headers: { authorization: 'Bearer a' } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('shows the stand-in service with its replica, version and scraped SLO source', async () => {
    const s = await waitFor('a catalogue refresh', async () => {
      const r = await http.get<ServiceSummary>('/services/recsys-reference', 'v');
      return r.body.replicas?.length ? r.body : null;
    });
    expect(s.replicas).toEqual([{ id: 'r0', zone: 'zone-a', url: r0.url, ready: true, modelVersion: 'v7' }]);
    expect(s.modelVersion).toBe('v7');
    expect(s.gatewayUrl).toBe(gw.url);
    expect(conforms('ServiceSummary', s)).toEqual([]);
    expect(s.slos.length).toBeGreaterThan(0);
    expect(s.slos.every((x) => x.source.kind === 'scrape')).toBe(true);
    const runbooks = await http.get<{ items: Array<{ name: string; faults: string[] }> }>('/runbooks', 'v');
    expect(runbooks.body.items.map((r) => [r.name, r.faults])).toEqual([
      ['latency-blip', ['latency']],
      ['long-latency', ['latency']],
      ['replica-kill', ['process.kill']],
    ]);
    for (const r of runbooks.body.items) expect(conforms('RunbookSummary', r)).toEqual([]);
    const one = await http.get<{ source: string }>('/runbooks/latency-blip', 'v');
    expect(one.body.source).toContain('kind: Runbook');
  });

  it('returns a dry-run plan to a viewer without recording a drill', async () => {
    const dry = await http.post<StartDrillResponse>('/drills', 'v', { runbook: 'latency-blip', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.drill).toMatchObject({ dryRun: true, statusReason: 'dry run: plan only, nothing touched' });
    expect(conforms('StartDrillResponse', dry.body)).toEqual([]);
    expect(dry.body.plan.actions.find((a) => a.kind === 'fault.inject')?.targets).toEqual(['r0']);
    expect((await http.get<{ items: unknown[] }>('/drills', 'v')).body.items).toEqual([]);
  });

  it('ends a drill as aborted, with the reason, when its service cannot run one, and replays its events afterwards', async () => {
    const started = await http.post<StartDrillResponse>('/drills', 'o', { runbook: 'latency-blip', quick: true });
    expect(started.status).toBe(202);
    const id = started.body.drill.id;
    const events = await followEvents(ctl.url, id, 'v');
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'aborted', reportUrl: null } });
    const d = await http.get<DrillSummary>(`/drills/${id}`, 'v');
    expect(conforms('DrillSummary', d.body)).toEqual([]);
    expect(conforms('StartDrillResponse', started.body)).toEqual([]);
    expect(conforms('EmergencyStopState', (await http.get('/emergency-stop', 'v')).body)).toEqual([]);
    const audit = await http.get<{ items: unknown[] }>('/audit', 'a');
    expect(audit.body.items.length).toBeGreaterThan(0);
    for (const e of audit.body.items) expect(conforms('AuditEntry', e)).toEqual([]);
    for (const e of events) expect(conforms('DrillEvent', e)).toEqual([]);
    expect(d.body).toMatchObject({ state: 'aborted', statusReason: expect.stringMatching(/cannot run a drill now/), reportUrl: null });
    expect((await http.get(`/drills/${id}/scorecard`, 'v')).status).toBe(404);
    const replay = await followEvents(ctl.url, id, 'v', { lastEventId: 1 });
    expect(replay.map((e) => e.seq)).toEqual(events.slice(1).map((e) => e.seq));
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toContain('drillbook_drill_status{service="recsys-reference",runbook="latency-blip",status="aborted"} 1');
    expect(metrics).toMatch(/drillbook_controller_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/drills\/\{id\}",status="200"\} \d+/);
  });

  it('requires a token for /metrics when metrics are not public', async () => {
    const closed = await startController(config({ metrics: { public: false } }, 'closed'), { port: 0, env: TOKENS, log: () => {} });
    try {
      expect((await fetch(`${closed.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${closed.url}/metrics`, { headers: { authorization: 'Bearer v' } })).status).toBe(200);
    } finally {
      await closed.stop();
    }
  });

  it("refuses a drill whose objective names a PromQL SLI the service does not have, located at the objective, naming the ones it has", async () => {
    const rbDir = join(dir, 'promql-runbooks');
    mkdirSync(rbDir, { recursive: true });
    const source = readFileSync(join(RUNBOOKS, 'latency-blip.yaml'), 'utf8')
      .replace('name: latency-blip', 'name: triton-errors')
      .replace('objectives:\n', 'objectives:\n  - { name: Triton errors, sli: promql, promql: trition-errors, phase: fault, op: "<=", target: 0.05 }\n');
    writeFileSync(join(rbDir, 'triton-errors.yaml'), source);
    const errorRatio = 'sum(rate(nv_inference_request_failure[{{.window}}])) / sum(rate(nv_inference_request_total[{{.window}}]))';
    const base = config({}, 'promql');
    const withSlis = await startController(
      {
        ...base,
        runbooks: [rbDir],
        services: base.services.map((s) => ({ ...s, slis: [{ name: 'triton-errors', sli: 'availability' as const, objective: 0.99, period: '30d', errorRatio }, { name: 'triton-queue', sli: 'latency' as const, objective: 0.99, period: '30d', errorRatio }] })),
      },
      { port: 0, env: TOKENS, log: () => {} },
    );
    try {
      const c = api(withSlis.url);
      const refused = await c.post<{ error: string; field: string; details: Array<{ field: string; message: string }> }>('/drills', 'v', { runbook: 'triton-errors', dryRun: true });
      expect(refused.status).toBe(422);
      expect(refused.body.field).toBe('runbook');
      const line = source.split('\n').findIndex((l) => l.includes('promql: trition-errors')) + 1;
      expect(refused.body.details).toEqual([
        { field: 'objectives[0].promql', message: expect.stringMatching(new RegExp(`triton-errors\\.yaml:${line}:\\d+: no PromQL SLI "trition-errors" is configured for service recsys-reference \\(it has: triton-errors, triton-queue\\)`)) },
      ]);
      writeFileSync(join(rbDir, 'triton-errors.yaml'), source.replace('promql: trition-errors', 'promql: triton-errors'));
      await waitFor('the corrected runbook', async () => (await c.post('/drills', 'v', { runbook: 'triton-errors', dryRun: true })).status === 200, 15_000);
    } finally {
      await withSlis.stop();
    }
  });
});
