/**
 * The person, not the plugin: the controller in-process over real HTTP, against stand-in service
 * endpoints (no stack), with a Backstage front-end token, a Grafana front-end token and a plain
 * token. Alice (operator for recsys-reference) launches there and not on another service, Bob
 * (viewer) cannot launch, an on-behalf header from an untrusted token is refused and audited, and
 * every audit row and drill names the person and the front end.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorLabel, openApiDocument, type AuditEntry, type DrillSummary, type StartDrillResponse } from '@drillbook/contracts';
import { defaultConfig } from '../config/load.js';
import type { ControllerConfig, ServiceConfig } from '../config/types.js';
import { startController, type RunningController } from '../Controller.js';
import { sha256 } from './tokens.js';
import { granted, grafanaGroups } from './onBehalf.js';
import { gatewayText, metricsServer, replicaText, type MetricsServer } from '../../catalogue/__fixtures__/metricsServer.js';

const FIXTURES = fileURLToPath(new URL('../__fixtures__/runbooks', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'drillbook-onbehalf-'));
let gw: MetricsServer;
let r0: MetricsServer;
let ctl: RunningController;

const ALICE = { 'x-drillbook-on-behalf-of': 'user:default/alice', 'x-drillbook-on-behalf-of-groups': 'group:default/team-recsys' };
const BOB = { 'x-drillbook-on-behalf-of': 'user:default/bob', 'x-drillbook-on-behalf-of-groups': 'group:default/guests' };

function standIn(id: string): ServiceConfig {
  return { id, title: id, owner: 'team-test', tags: [], gateway: { url: gw.url, adminToken: 'adm' }, replicas: [{ id: 'r0', zone: 'zone-a', url: r0.url }], prometheus: { replicaSelector: 'job="recsys-replica"' }, gpu: {} };
}

function config(): ControllerConfig {
  const runbooks = join(dir, 'runbooks');
  mkdirSync(runbooks, { recursive: true });
  copyFileSync(join(FIXTURES, 'latency-blip.yaml'), join(runbooks, 'latency-blip.yaml'));
  const other = readFileSync(join(FIXTURES, 'latency-blip.yaml'), 'utf8').replace('name: latency-blip', 'name: latency-blip-search').replace('service: recsys-reference', 'service: search-ranker');
  writeFileSync(join(runbooks, 'latency-blip-search.yaml'), other);
  return {
    ...defaultConfig(),
    dataDir: join(dir, 'data'),
    runbooks: [runbooks],
    refreshIntervalS: 1,
    loadEngine: 'builtin',
    services: [standIn('recsys-reference'), standIn('search-ranker')],
    tokens: [
      { name: 'backstage', sha256: sha256('bs-token'), role: 'admin', services: ['*'], onBehalfOf: 'headers' },
      { name: 'grafana', sha256: sha256('gf-token'), role: 'admin', services: ['*'], onBehalfOf: 'grafana' },
      { name: 'ci', sha256: sha256('ci-token'), role: 'operator', services: ['*'] },
      { name: 'auditor', sha256: sha256('audit-token'), role: 'admin', services: ['*'] },
    ],
    grants: [
      { group: 'group:default/team-recsys', role: 'operator', services: ['recsys-reference'] },
      { person: 'user:default/carol', role: 'admin', services: ['*'] },
      { group: 'grafana:role/Editor', role: 'operator', services: ['recsys-reference'] },
      { group: 'grafana:role/Viewer', role: 'viewer', services: [] },
    ],
  };
}

async function call<T = unknown>(method: string, path: string, token: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${ctl.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const audit = async () => (await call<{ items: AuditEntry[] }>('GET', '/audit?limit=1000', 'audit-token')).body.items;

beforeAll(async () => {
  [gw, r0] = await Promise.all([metricsServer(), metricsServer()]);
  gw.set(gatewayText({ ok: 100, failed: 0 }));
  r0.set(replicaText({ version: 'v7' }));
  r0.ready(200, 'v7');
  ctl = await startController(config(), { port: 0, env: {}, log: () => {} });
});

afterAll(async () => {
  await ctl?.stop();
  await Promise.all([gw?.close(), r0?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('acting on behalf of a person', () => {
  it('labels an actor "alice via backstage" and keeps a plain token as its name', () => {
    expect(actorLabel({ subject: 'x', person: 'user:default/alice', via: 'backstage' })).toBe('alice via backstage');
    expect(actorLabel({ subject: 'x', person: 'user:ops/alice', via: 'backstage' })).toBe('ops/alice via backstage');
    expect(actorLabel({ subject: 'x', person: 'grafana:alice', via: 'grafana' })).toBe('alice via grafana');
    expect(actorLabel({ subject: 'ci' })).toBe('ci');
  });

  it('grants the highest role of a person and their groups, and launch rights only from operator grants', () => {
    const grants = [
      { group: 'g:viewers', role: 'viewer' as const, services: ['*'] },
      { group: 'g:recsys', role: 'operator' as const, services: ['recsys-reference'] },
    ];
    expect(granted(grants, 'user:default/alice', ['g:viewers', 'g:recsys'])).toEqual({ role: 'operator', services: ['recsys-reference'] });
    expect(granted(grants, 'user:default/bob', ['g:viewers'])).toEqual({ role: 'viewer', services: [] });
    expect(granted(grants, 'user:default/eve', [])).toBeNull();
  });

  it("reads the org role and teams from Grafana's X-Grafana-Context", () => {
    expect(grafanaGroups(JSON.stringify({ Login: 'alice', OrgRole: 'Editor', Teams: [3, 7] }))).toEqual(['grafana:role/Editor', 'grafana:team/3', 'grafana:team/7']);
    expect(grafanaGroups('not json')).toEqual([]);
    expect(grafanaGroups(JSON.stringify({ OrgRole: 'Root' }))).toEqual([]);
  });

  it('tells a person who they are and what they may do (/me)', async () => {
    expect((await call('GET', '/me', 'bs-token', ALICE)).body).toEqual({
      subject: 'alice via backstage', role: 'operator', services: ['recsys-reference'], person: 'user:default/alice', groups: ['group:default/team-recsys'], via: 'backstage',
    });
    expect((await call('GET', '/me', 'bs-token', BOB)).body).toMatchObject({ subject: 'bob via backstage', role: 'viewer', services: [] });
    expect((await call('GET', '/me', 'bs-token')).body).toEqual({ subject: 'backstage', role: 'admin', services: ['*'] });
  });

  it('lets alice (operator for recsys-reference) launch there and not on another service; bob (viewer) cannot launch', async () => {
    const ok = await call<StartDrillResponse>('POST', '/drills', 'bs-token', ALICE, { runbook: 'latency-blip', quick: true });
    expect(ok.status).toBe(202);
    expect(ok.body.drill.requestedBy).toBe('alice via backstage');
    const elsewhere = await call<{ error: string }>('POST', '/drills', 'bs-token', ALICE, { runbook: 'latency-blip-search', quick: true });
    expect(elsewhere).toEqual({ status: 403, body: { error: 'alice via backstage may not act on service search-ranker' } });
    const bob = await call<{ error: string }>('POST', '/drills', 'bs-token', BOB, { runbook: 'latency-blip', quick: true });
    expect(bob).toEqual({ status: 403, body: { error: 'role viewer may not launch drills' } });
    const rows = await audit();
    expect(rows.find((r) => r.action === 'drill.start' && r.target === ok.body.drill.id)).toMatchObject({ subject: 'alice via backstage', role: 'operator', outcome: 'ok' });
    expect(rows.find((r) => r.action === 'drill.start' && r.target === 'search-ranker')).toMatchObject({ subject: 'alice via backstage', outcome: 'denied' });
    expect(rows.find((r) => r.action === 'drill.start' && r.subject === 'bob via backstage')).toMatchObject({ role: 'viewer', outcome: 'denied' });
    // The drill remembers who launched it after it ends.
    const end = Date.now() + 60_000;
    let d: DrillSummary;
    do d = (await call<DrillSummary>('GET', `/drills/${ok.body.drill.id}`, 'ci-token')).body;
    while ((d.state === 'queued' || d.state === 'running') && Date.now() < end && (await new Promise((r) => setTimeout(r, 200)), true));
    expect(d.requestedBy).toBe('alice via backstage');
  });

  it('refuses an on-behalf header from a token not trusted for it with 403, and audits the refusal', async () => {
    const forged = await call<{ error: string }>('POST', '/drills', 'ci-token', ALICE, { runbook: 'latency-blip', dryRun: true });
    expect(forged.status).toBe(403);
    expect(forged.body.error).toMatch(/token ci is not trusted to act on behalf of a person \(X-Drillbook-On-Behalf-Of, X-Drillbook-On-Behalf-Of-Groups\)/);
    const grafanaForged = await call<{ error: string }>('GET', '/me', 'ci-token', { 'x-grafana-user': 'alice' });
    expect(grafanaForged.status).toBe(403);
    // A Backstage token may not pose as Grafana's proxy, nor the other way round.
    expect((await call('GET', '/me', 'bs-token', { 'x-grafana-user': 'alice' })).status).toBe(403);
    expect((await call('GET', '/me', 'gf-token', ALICE)).status).toBe(403);
    const rows = await audit();
    expect(rows.find((r) => r.subject === 'ci' && r.action === 'drill.start')).toMatchObject({ outcome: 'denied', detail: expect.stringMatching(/^403: token ci is not trusted/) });
    expect(rows.find((r) => r.subject === 'ci' && r.action === 'GET /api/v1/me')).toMatchObject({ outcome: 'denied', detail: expect.stringMatching(/X-Grafana-User/) });
    // Groups without a person are a malformed request, not a person.
    expect((await call<{ field: string }>('GET', '/me', 'bs-token', { 'x-drillbook-on-behalf-of-groups': 'group:default/sre' })).body).toMatchObject({ field: 'X-Drillbook-On-Behalf-Of' });
  });

  it("maps a Grafana user's org role to Drillbook roles and records them as \"alice via grafana\"", async () => {
    const editor = { 'x-grafana-user': 'alice', 'x-grafana-context': JSON.stringify({ Login: 'alice', OrgRole: 'Editor', Teams: [] }) };
    const viewer = { 'x-grafana-user': 'victor', 'x-grafana-context': JSON.stringify({ Login: 'victor', OrgRole: 'Viewer' }) };
    expect((await call('GET', '/me', 'gf-token', editor)).body).toMatchObject({ subject: 'alice via grafana', role: 'operator', services: ['recsys-reference'], groups: ['grafana:role/Editor'] });
    expect((await call('POST', '/emergency-stop', 'gf-token', viewer, { reason: 'test' })).status).toBe(403);
    expect((await call('POST', '/emergency-stop', 'gf-token', editor, { reason: 'grafana test' })).status).toBe(200);
    expect((await call<{ error: string }>('DELETE', '/emergency-stop', 'gf-token', editor)).body.error).toBe('only an admin may release the emergency stop');
    expect((await call('DELETE', '/emergency-stop', 'bs-token', { 'x-drillbook-on-behalf-of': 'user:default/carol' })).status).toBe(200);
    // A launch and an abort through Grafana are recorded for the person too (409 while another drill runs is refused, and audited).
    const launched = await call<StartDrillResponse>('POST', '/drills', 'gf-token', editor, { runbook: 'latency-blip', quick: true });
    expect([202, 409]).toContain(launched.status);
    const latest = (await call<{ items: DrillSummary[] }>('GET', '/drills?limit=1', 'ci-token')).body.items[0]!;
    expect([202, 409]).toContain((await call('POST', `/drills/${latest.id}/abort`, 'gf-token', editor, { reason: 'from grafana' })).status);
    const rows = await audit();
    expect(rows.find((r) => r.action === 'drill.start' && r.subject === 'alice via grafana')).toMatchObject({ role: 'operator', outcome: launched.status === 202 ? 'ok' : 'refused' });
    expect(rows.find((r) => r.action === 'drill.abort' && r.subject === 'alice via grafana')).toMatchObject({ role: 'operator', target: latest.id });
    expect(rows.find((r) => r.action === 'emergency-stop.engage' && r.outcome === 'ok')).toMatchObject({ subject: 'alice via grafana', role: 'operator' });
    expect(rows.find((r) => r.action === 'emergency-stop.engage' && r.outcome === 'denied')).toMatchObject({ subject: 'victor via grafana', role: 'viewer' });
    expect(rows.find((r) => r.action === 'emergency-stop.release' && r.outcome === 'ok')).toMatchObject({ subject: 'carol via backstage', role: 'admin', detail: expect.stringMatching(/engaged by alice via grafana/) });
  });

  it('declares the on-behalf headers on every state-changing operation of the OpenAPI document', async () => {
    type Op = { parameters?: Array<{ name: string; in: string }> };
    const doc = (await (await fetch(`${ctl.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, Op>> };
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map(([m, op]) => ({ op: `${m.toUpperCase()} ${path}`, headers: (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name) })),
    );
    expect(ops.map((o) => o.op)).toEqual(expect.arrayContaining(['POST /drills', 'POST /drills/{drillId}/abort', 'POST /emergency-stop', 'DELETE /emergency-stop']));
    for (const o of ops) expect(o.headers, o.op).toEqual(expect.arrayContaining(['X-Drillbook-On-Behalf-Of', 'X-Drillbook-On-Behalf-Of-Groups', 'X-Grafana-User']));
    const reads = doc.paths['/services']!.get!;
    expect(Object.keys(doc.paths).length).toBe(Object.keys(openApiDocument.paths).length); // the served document is the contract's
    expect((reads.parameters ?? []).map((p) => p.name)).not.toContain('X-Drillbook-On-Behalf-Of');
  });
});
