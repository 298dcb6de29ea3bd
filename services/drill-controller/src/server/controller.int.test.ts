/**
 * The controller as a real process (`drillbook serve`) against a real reference stack (replicas,
 * gateway, shoppers) started by this test, on SQLite and on PostgreSQL: drills over HTTP followed
 * over SSE, tokens and roles, the emergency stop, and a SIGKILL mid-drill followed by a restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, startControl } from '@drillbook/stack';
import type { DrillEvent, DrillJournal, DrillSummary, EmergencyStopState, ScorecardResponse, ServiceSummary, StartDrillResponse } from '@drillbook/contracts';
import { startTestPostgres, type TestPostgres } from '../store/testing/postgres.js';
import { api, followEvents, waitFor } from './__fixtures__/api.js';
import { faultsOnReplicas as faultsOfStack, startControllerProcess, type ControllerProcess } from './__fixtures__/controllerProcess.js';

const RUNBOOKS = fileURLToPath(new URL('./__fixtures__/runbooks', import.meta.url));
const TOKENS = 'view-token:viewer,op-token:operator:recsys-reference,admin-token:admin';
const [VIEWER, OPERATOR, ADMIN] = ['view-token', 'op-token', 'admin-token'];

let stack: Stack;
let control: Awaited<ReturnType<typeof startControl>>;
const dir = mkdtempSync(join(tmpdir(), 'drillbook-controller-int-'));

beforeAll(async () => {
  stack = await Stack.start({ dir: join(dir, 'stack'), replicas: 2, zones: ['zone-a', 'zone-b'], shopperRate: 2, logLevel: 'warn' });
  control = await startControl(stack);
});

afterAll(async () => {
  control?.server.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const faultsOnReplicas = () => faultsOfStack(stack);

function writeConfig(name: string, databaseUrl?: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `dataDir: ${join(dir, name)}`,
      ...(databaseUrl ? [`database: { url: "${databaseUrl}" }`] : []),
      `runbooks: [${RUNBOOKS}]`,
      'loadEngine: builtin',
      'refreshIntervalS: 2',
      'services:',
      '  - id: recsys-reference',
      '    title: Reference recommender (test stack)',
      '    owner: team-drillbook',
      '    entityRef: component:default/recsys-reference',
      `    gateway: { url: "${stack.info.gatewayUrl}", adminToken: "${stack.info.adminToken}", controlUrl: "${control.url}", sessionsFile: "${stack.info.sessionsFile}" }`,
      '',
    ].join('\n'),
  );
  return file;
}

const databases: Array<{ name: string; url: () => Promise<{ url?: string; stop(): Promise<void> }> }> = [
  { name: 'SQLite', url: async () => ({ stop: async () => {} }) },
  {
    name: 'PostgreSQL',
    url: async () => {
      const pg: TestPostgres = await startTestPostgres();
      return { url: pg.url, stop: () => pg.stop() };
    },
  },
];

describe.each(databases)('drill controller on $name', ({ name, url }) => {
  let db: { url?: string; stop(): Promise<void> };
  let config: string;
  let ctl: ControllerProcess;
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    db = await url();
    config = writeConfig(name.toLowerCase(), db.url);
    ctl = await startControllerProcess({ config, tokens: TOKENS });
    http = api(ctl.url);
  });

  afterAll(async () => {
    await ctl?.stop('SIGTERM');
    await db?.stop();
  });

  it('refuses a request without a token (401) and a launch with a viewer token (403), and audits the refusal', async () => {
    expect((await http.get('/services')).status).toBe(401);
    expect((await http.get('/services', 'not-a-token')).status).toBe(401);
    const denied = await http.post<{ error: string }>('/drills', VIEWER, { runbook: 'latency-blip', quick: true });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatch(/viewer may not launch/);
    const audit = await http.get<{ items: Array<{ subject: string; action: string; outcome: string; remote: string }> }>('/audit?action=drill.start', ADMIN);
    expect(audit.body.items[0]).toMatchObject({ action: 'drill.start', outcome: 'denied', subject: expect.stringMatching(/^env:viewer-/), remote: expect.stringMatching(/127\.0\.0\.1/) });
    expect((await http.get('/audit', OPERATOR)).status).toBe(403);
  });

  it('names the offending field of an invalid drill request', async () => {
    const r = await http.post<{ error: string; field: string }>('/drills', OPERATOR, { runbook: 'latency-blip', qiuck: true });
    expect(r.status).toBe(400);
    expect(r.body.field).toBe('qiuck');
    const t = await http.post<{ field: string }>('/drills', OPERATOR, { runbook: 42 });
    expect([t.status, t.body.field]).toEqual([400, 'runbook']);
    const u = await http.post<{ field: string }>('/drills', OPERATOR, { runbook: 'no-such-runbook' });
    expect([u.status, u.body.field]).toEqual([404, 'runbook']);
  });

  it('serves the catalogue with live figures from the service and what the token may do', async () => {
    const svc = await waitFor('live SLO figures', async () => {
      const r = await http.get<ServiceSummary>('/services/recsys-reference', VIEWER);
      return r.body.slos?.some((s) => s.attainment !== null) && r.body.replicas.length === 2 ? r.body : null;
    });
    expect(svc.gatewayUrl).toBe(stack.info.gatewayUrl);
    expect(svc.replicas.map((r) => [r.id, r.ready, r.modelVersion])).toEqual([
      ['r0', true, stack.info.modelVersion],
      ['r1', true, stack.info.modelVersion],
    ]);
    expect(svc.modelVersion).toBe(stack.info.modelVersion);
    const availability = svc.slos.find((s) => s.sli === 'availability')!;
    expect(availability.source.kind).toBe('scrape');
    expect(availability.source.detail).toMatch(/this controller has observed/);
    expect(svc.gpu.present).toBe(false);
    expect(svc.gpu.message).toMatch(/no GPU on this service/);
    expect(svc.permissions).toEqual({ launch: false, abort: false });
    expect((await http.get<ServiceSummary>('/services/recsys-reference', OPERATOR)).body.permissions).toEqual({ launch: true, abort: true });
    expect((await http.get('/services/nope', VIEWER)).status).toBe(404);
    const doc = await http.get<{ openapi: string }>('/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
  });

  it('runs a drill started over HTTP, streams it over SSE to the end and keeps its scorecard and report', async () => {
    const started = await http.post<StartDrillResponse>('/drills', OPERATOR, { runbook: 'latency-blip', quick: true });
    expect(started.status).toBe(202);
    const id = started.body.drill.id;
    expect(started.body.drill.state).toBe('queued');
    expect(started.body.plan.actions.map((a) => a.kind)).toContain('fault.inject');
    const busy = await http.post<{ field: string }>('/drills', OPERATOR, { runbook: 'long-latency', quick: true });
    expect([busy.status, busy.body.field]).toEqual([409, 'service']);

    const events = await followEvents(ctl.url, id, VIEWER);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ type: 'state', data: { status: 'queued' } });
    expect(events.some((e) => e.type === 'fault')).toBe(true);
    expect(events.filter((e) => e.type === 'phase').map((e) => e.phase)).toEqual(expect.arrayContaining(['preflight', 'method', 'rollback', 'scorecard']));
    const end = events.at(-1)!;
    expect(end.type).toBe('end');

    const sc = await http.get<ScorecardResponse>(`/drills/${id}/scorecard`, VIEWER);
    expect(sc.status).toBe(200);
    expect(sc.body.scorecard.drillId).toBe(id);
    expect(sc.body.drill.state).toBe(sc.body.scorecard.status);
    expect(end.data?.status).toBe(sc.body.scorecard.status);
    expect(sc.body.scorecard.proof.faultObserved.evidence.length).toBeGreaterThan(0);
    expect(sc.body.drill.reportUrl).toBe(`/api/v1/drills/${id}/report`);
    const report = await fetch(`${ctl.url}${sc.body.drill.reportUrl}`, { headers: { authorization: `Bearer ${VIEWER}` } });
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('latency-blip');
    expect(await faultsOnReplicas()).toEqual([]);

    // Resuming after an event replays only what came after it, through the end.
    const resumed = await followEvents(ctl.url, id, VIEWER, { lastEventId: end.seq - 2 });
    expect(resumed.map((e) => e.seq)).toEqual([end.seq - 1, end.seq]);

    const history = await http.get<{ items: ScorecardResponse[] }>('/services/recsys-reference/scorecards', VIEWER);
    expect(history.body.items[0].drill.id).toBe(id);
    const svc = await http.get<ServiceSummary>('/services/recsys-reference', VIEWER);
    expect(svc.body.lastDrill?.id).toBe(id);
    expect(svc.body.scoreTrend.at(-1)).toMatchObject({ drillId: id, score: sc.body.scorecard.score });
    const metrics = await (await fetch(`${ctl.url}/metrics`)).text();
    expect(metrics).toContain(`drillbook_drill_score{service="recsys-reference",runbook="latency-blip"} ${sc.body.scorecard.score}`);
    expect(metrics).toContain(`drillbook_drill_status{service="recsys-reference",runbook="latency-blip",status="${sc.body.scorecard.status}"} 1`);
    expect(metrics).toContain('drillbook_drill_in_progress{service="recsys-reference",runbook="latency-blip"} 0');
  });

  it('lets an operator abort a drill, not a viewer, and clears the fault it injected', async () => {
    const started = await http.post<StartDrillResponse>('/drills', OPERATOR, { runbook: 'long-latency', quick: true });
    expect(started.status).toBe(202);
    const id = started.body.drill.id;
    await followEvents(ctl.url, id, VIEWER, { until: (e) => e.type === 'fault' });
    expect(await faultsOnReplicas()).toHaveLength(1);
    expect((await http.post(`/drills/${id}/abort`, VIEWER, {})).status).toBe(403);
    const aborted = await http.post<DrillSummary>(`/drills/${id}/abort`, OPERATOR, { reason: 'test: enough' });
    expect(aborted.status).toBe(202);
    const events = await followEvents(ctl.url, id, VIEWER, { lastEventId: 0 });
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'aborted' } });
    expect((await http.get<DrillSummary>(`/drills/${id}`, VIEWER)).body).toMatchObject({ state: 'aborted', statusReason: expect.stringMatching(/test: enough/) });
    expect(await faultsOnReplicas()).toEqual([]);
    expect((await http.post(`/drills/${id}/abort`, OPERATOR, {})).status).toBe(409);
  });

  it('emergency stop aborts the running drill, clears its faults and refuses new drills until an admin releases it', async () => {
    const started = await http.post<StartDrillResponse>('/drills', OPERATOR, { runbook: 'long-latency', quick: true });
    const id = started.body.drill.id;
    await followEvents(ctl.url, id, VIEWER, { until: (e) => e.type === 'fault' });
    expect(await faultsOnReplicas()).toHaveLength(1);
    const stop = await http.post<EmergencyStopState>('/emergency-stop', OPERATOR, { reason: 'checkout incident' });
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({ active: true, reason: 'checkout incident', by: expect.stringMatching(/^env:operator-/) });
    const events = await followEvents(ctl.url, id, VIEWER);
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'aborted' } });
    expect(events.some((e) => /emergency/.test(e.message))).toBe(true);
    expect(await faultsOnReplicas()).toEqual([]);
    const refused = await http.post<{ error: string }>('/drills', OPERATOR, { runbook: 'latency-blip', quick: true });
    expect(refused.status).toBe(423);
    expect((await http.del('/emergency-stop', OPERATOR)).status).toBe(403);
    const released = await http.del<EmergencyStopState>('/emergency-stop', ADMIN);
    expect(released.body.active).toBe(false);
    const dry = await http.post<StartDrillResponse>('/drills', VIEWER, { runbook: 'latency-blip', dryRun: true, quick: true });
    expect([dry.status, dry.body.drill.dryRun]).toEqual([200, true]);
    const actions = (await http.get<{ items: Array<{ action: string; outcome: string }> }>('/audit', ADMIN)).body.items.map((a) => `${a.action}:${a.outcome}`);
    expect(actions.slice(0, 4)).toEqual(['emergency-stop.release:ok', 'emergency-stop.release:denied', 'drill.start:refused', 'emergency-stop.engage:ok']);
  });

  it('marks a drill interrupted after the controller is SIGKILLed mid-drill, runs its rollbacks on restart and loses nothing', async () => {
    const started = await http.post<StartDrillResponse>('/drills', OPERATOR, { runbook: 'long-latency', quick: true });
    const id = started.body.drill.id;
    const before = await followEvents(ctl.url, id, VIEWER, { until: (e) => e.type === 'fault' });
    expect(await faultsOnReplicas()).toHaveLength(1);
    expect(await ctl.stop('SIGKILL')).toBe('SIGKILL');
    // The fault outlives the controller (its TTL is 10 minutes): only the restart can clear it now.
    expect(await faultsOnReplicas()).toHaveLength(1);

    ctl = await startControllerProcess({ config, tokens: TOKENS });
    http = api(ctl.url);
    const drill = await http.get<DrillSummary>(`/drills/${id}`, VIEWER);
    expect(drill.body).toMatchObject({ id, state: 'interrupted', runbook: 'long-latency', statusReason: expect.stringMatching(/rollbacks ran on restart \(cleared latency@r/) });
    expect(await faultsOnReplicas()).toEqual([]);
    const events = await followEvents(ctl.url, id, VIEWER, { lastEventId: 0 });
    expect(events.slice(0, before.length).map((e) => e.seq)).toEqual(before.map((e) => e.seq));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { status: 'interrupted' } });
    const journal = await http.get<DrillJournal>(`/drills/${id}/journal`, VIEWER);
    expect(journal.body.status).toBe('interrupted');
    expect(journal.body.faults).toEqual([expect.objectContaining({ type: 'latency', clearedBy: 'abort', clearedAt: expect.any(String) })]);
    expect(journal.body.activities.at(-1)).toMatchObject({ id: 'rollback.recovery', status: 'succeeded' });
    const sc = await http.get<ScorecardResponse>(`/drills/${id}/scorecard`, VIEWER);
    expect(sc.body.scorecard.status).toBe('interrupted');
    const listed = await http.get<{ items: DrillSummary[] }>('/drills?service=recsys-reference&limit=500', VIEWER);
    expect(listed.body.items.map((d) => d.state)).not.toContain('running');
    expect(listed.body.items.map((d) => d.id)).toContain(id);
    const audit = await http.get<{ items: Array<{ action: string; subject: string; target: string }> }>('/audit?action=drill.interrupted', ADMIN);
    expect(audit.body.items[0]).toMatchObject({ subject: 'controller', target: id });
  });
});
