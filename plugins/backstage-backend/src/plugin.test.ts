/**
 * The backend plugin in Backstage's test backend (`startTestBackend`, mocked user credentials)
 * against a REAL drill controller process. The permission policy and the user → group lookup are
 * stand-ins for a Backstage app's permission backend and catalogue (see `policy` below): launch
 * and abort are allowed on services whose catalogue entity the user's group owns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { coreServices, createServiceFactory, type BackstageCredentials, type BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend, type TestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult, isResourcePermission, type AuthorizePermissionRequest } from '@backstage/plugin-permission-common';
import drillbookPlugin, { drillbookEmergencyStopPermission, drillbookPermissions, drillbookReleasePermission } from './index';
import { drillbookPermissions as frontendPermissions } from '../../backstage/src/permissions';
import { AUDITOR_TOKEN, FRONT_END_TOKEN, startController, type Controller } from './testing/controllerProcess';

const GROUPS: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-recsys'],
  'user:default/bob': ['group:default/guests'],
  'user:default/carol': ['group:default/sre'],
  'user:default/dave': ['group:default/team-search'],
};
const OWNER: Record<string, string> = { 'component:default/recsys-reference': 'group:default/team-recsys', 'component:default/search-ranker': 'group:default/team-search' };

/** Stand-in policy: read for everyone; launch/abort where your group owns the entity; the stop for the owning teams and SRE; release for SRE. */
function policy(user: string, req: AuthorizePermissionRequest): boolean {
  const groups = GROUPS[user] ?? [];
  if (isResourcePermission(req.permission, 'catalog-entity')) return 'resourceRef' in req && !!req.resourceRef && groups.includes(OWNER[req.resourceRef] ?? '-');
  if (req.permission.name === drillbookEmergencyStopPermission.name) return groups.some((g) => ['group:default/team-recsys', 'group:default/team-search', 'group:default/sre'].includes(g));
  if (req.permission.name === drillbookReleasePermission.name) return groups.includes('group:default/sre');
  return true;
}

const userOf = (c: BackstageCredentials) => (c.principal as BackstageUserPrincipal).userEntityRef;

const standInPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    authorize: async (reqs: AuthorizePermissionRequest[], opts: { credentials: BackstageCredentials }) =>
      reqs.map((r) => ({ result: policy(userOf(opts.credentials), r) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY })),
    authorizeConditional: async () => {
      throw new Error('not used by the drillbook plugin');
    },
  }) as never,
});

const standInUserInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    getUserInfo: async (c: BackstageCredentials) => ({ userEntityRef: userOf(c), ownershipEntityRefs: [userOf(c), ...(GROUPS[userOf(c)] ?? [])] }),
  }),
});

let controller: Controller;
let backend: TestBackend;
const as = (user: string) => mockCredentials.user.header(user);

interface Audit {
  subject: string;
  role: string;
  action: string;
  target: string;
  outcome: string;
  detail: string | null;
}
async function audit(): Promise<Audit[]> {
  const r = await fetch(`${controller.url}/api/v1/audit?limit=1000`, { headers: { authorization: `Bearer ${AUDITOR_TOKEN}` } });
  return ((await r.json()) as { items: Audit[] }).items;
}

beforeAll(async () => {
  controller = await startController();
  backend = await startTestBackend({
    features: [
      drillbookPlugin,
      mockServices.rootConfig.factory({ data: { drillbook: { controller: { baseUrl: controller.url, token: FRONT_END_TOKEN } } } }),
      standInPermissions,
      standInUserInfo,
    ],
  });
});

afterAll(async () => {
  await backend?.stop();
  await controller?.stop();
});

describe('Drillbook backend plugin against a real controller', () => {
  it('answers as the signed-in person, and refuses callers without a user identity', async () => {
    const me = await request(backend.server).get('/api/drillbook/api/v1/me').set('Authorization', as('user:default/alice'));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ subject: 'alice via backstage', role: 'operator', services: ['recsys-reference'], person: 'user:default/alice', groups: ['group:default/team-recsys'], via: 'backstage' });
    expect((await request(backend.server).get('/api/drillbook/api/v1/me').set('Authorization', mockCredentials.none.header())).status).toBe(401);
    expect((await request(backend.server).get('/api/drillbook/api/v1/services').set('Authorization', as('user:default/bob'))).body.items.map((s: { id: string }) => s.id)).toEqual(['recsys-reference', 'search-ranker']);
  });

  it('lets alice (operator for recsys-reference) launch there and not on another service; bob (viewer) cannot launch', async () => {
    const ok = await request(backend.server).post('/api/drillbook/api/v1/drills').set('Authorization', as('user:default/alice')).send({ runbook: 'latency-blip', quick: true });
    expect(ok.status).toBe(202);
    expect(ok.body.drill.requestedBy).toBe('alice via backstage');
    const elsewhere = await request(backend.server).post('/api/drillbook/api/v1/drills').set('Authorization', as('user:default/alice')).send({ runbook: 'latency-blip-search', quick: true });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.message).toBe('user:default/alice may not launch drills on component:default/search-ranker (permission drillbook.drill.launch)');
    const bob = await request(backend.server).post('/api/drillbook/api/v1/drills').set('Authorization', as('user:default/bob')).send({ runbook: 'latency-blip', quick: true });
    expect(bob.status).toBe(403);
    // A dry run (plan only) is a read: bob may see the plan.
    const plan = await request(backend.server).post('/api/drillbook/api/v1/drills').set('Authorization', as('user:default/bob')).send({ runbook: 'latency-blip', dryRun: true });
    expect(plan.status).toBe(200);
    expect(plan.body.drill.requestedBy).toBe('bob via backstage');
    // The drill's events, relayed from the controller's SSE stream, say who launched it.
    const events = await request(backend.server).get(`/api/drillbook/api/v1/drills/${ok.body.drill.id}/events`).set('Authorization', as('user:default/alice')).buffer(true).parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        if (/event: end/.test(text)) (res as unknown as { destroy(): void }).destroy();
      });
      res.on('close', () => done(null, text));
      res.on('end', () => done(null, text));
    });
    expect(String(events.body)).toContain('drill accepted from alice via backstage');
  });

  it("checks an abort against the drill's service entity", async () => {
    const drills = await request(backend.server).get('/api/drillbook/api/v1/drills').set('Authorization', as('user:default/carol'));
    const id = drills.body.items[0].id as string;
    const carol = await request(backend.server).post(`/api/drillbook/api/v1/drills/${id}/abort`).set('Authorization', as('user:default/carol')).send({ reason: 'test' });
    expect(carol.status).toBe(403); // the stand-in policy: carol's group (SRE) owns neither entity
    expect(carol.body.error.message).toMatch(/may not abort drills on component:default\/recsys-reference/);
    const alice = await request(backend.server).post(`/api/drillbook/api/v1/drills/${id}/abort`).set('Authorization', as('user:default/alice')).send({ reason: 'alice stops it' });
    expect([202, 409]).toContain(alice.status); // 409 when the stand-in drill has already ended: refused, and audited
  });

  it("still applies the controller's grants to the person when the Backstage policy allows more", async () => {
    // dave's team owns search-ranker in the catalogue (the policy allows), but the controller grants that team only viewer.
    const dave = await request(backend.server).post('/api/drillbook/api/v1/drills').set('Authorization', as('user:default/dave')).send({ runbook: 'latency-blip-search', quick: true });
    expect(dave.status).toBe(403);
    expect(dave.body).toEqual({ error: 'role viewer may not launch drills' });
    expect((await audit()).find((r) => r.action === 'drill.start' && r.subject === 'dave via backstage')).toMatchObject({ role: 'viewer', outcome: 'denied', target: 'search-ranker' });
  });

  it('records the person and the front end in the audit log for every state change made through the plugin', async () => {
    const engage = await request(backend.server).post('/api/drillbook/api/v1/emergency-stop').set('Authorization', as('user:default/alice')).send({ reason: 'game day over' });
    expect(engage.status).toBe(200);
    expect(engage.body.by).toBe('alice via backstage');
    expect((await request(backend.server).delete('/api/drillbook/api/v1/emergency-stop').set('Authorization', as('user:default/alice'))).status).toBe(403);
    const release = await request(backend.server).delete('/api/drillbook/api/v1/emergency-stop').set('Authorization', as('user:default/carol'));
    expect(release.status).toBe(200);
    const rows = await audit();
    const changes = rows.filter((r) => ['drill.start', 'drill.abort', 'emergency-stop.engage', 'emergency-stop.release'].includes(r.action));
    expect(new Set(changes.map((r) => r.action))).toEqual(new Set(['drill.abort', 'drill.start', 'emergency-stop.engage', 'emergency-stop.release']));
    for (const r of changes) expect(r.subject, `${r.action} ${r.outcome}`).toMatch(/^(alice|bob|carol|dave) via backstage$/);
    expect(changes.find((r) => r.action === 'emergency-stop.release')).toMatchObject({ subject: 'carol via backstage', role: 'admin', outcome: 'ok' });
    expect(changes.find((r) => r.action === 'drill.start' && r.outcome === 'ok')).toMatchObject({ subject: 'alice via backstage', role: 'operator', outcome: 'ok' });
  });
});

describe('permissions shared with the frontend plugin', () => {
  it('declares the same permissions as plugins/backstage (which uses them with usePermission)', () => {
    expect(frontendPermissions).toEqual(drillbookPermissions);
    expect(drillbookPermissions.map((p) => p.name)).toEqual(['drillbook.read', 'drillbook.drill.launch', 'drillbook.drill.abort', 'drillbook.emergency-stop', 'drillbook.emergency-stop.release']);
  });
});
