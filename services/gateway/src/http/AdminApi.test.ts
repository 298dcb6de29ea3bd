import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, admin, type Harness, READ_TOKEN, startHarness } from '../__fixtures__/harness.js';
import { startStandIn, type StandIn } from '../__fixtures__/standIn.js';

let h: Harness | null = null;
let extra: StandIn | null = null;
afterEach(async () => {
  await h?.close();
  await extra?.close();
  h = null;
  extra = null;
});

describe('gateway admin API', () => {
  it('refuses a request without a token with 401', async () => {
    h = await startHarness([{ id: 'r1' }]);
    const res = await admin(h.url, 'GET', '/admin/upstreams', undefined, null);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ field: 'authorization' });
  });

  it('refuses a wrong token with 401', async () => {
    h = await startHarness([{ id: 'r1' }]);
    expect((await admin(h.url, 'GET', '/admin/canary', undefined, 'nope')).status).toBe(401);
  });

  it('lets the read-only token read but answers 403 when it tries a change', async () => {
    h = await startHarness([{ id: 'r1' }]);
    expect((await admin(h.url, 'GET', '/admin/upstreams', undefined, READ_TOKEN)).status).toBe(200);
    const put = await admin(h.url, 'PUT', '/admin/upstreams', { upstreams: [] }, READ_TOKEN);
    expect(put.status).toBe(403);
    const post = await admin(h.url, 'POST', '/admin/canary', { version: 'v2', weight: 0.1 }, READ_TOKEN);
    expect(post.status).toBe(403);
    expect(h.gateway.pool.all).toHaveLength(1);
  });

  it('lists every upstream with its health, ejection state and served model', async () => {
    h = await startHarness([{ id: 'r1', zone: 'zone-a' }, { id: 'r2', zone: 'zone-b' }]);
    const res = await admin(h.url, 'GET', '/admin/upstreams');
    expect(res.status).toBe(200);
    expect(res.body.upstreams).toHaveLength(2);
    expect(res.body.upstreams[1]).toMatchObject({
      id: 'r2',
      zone: 'zone-b',
      ready: true,
      eligible: true,
      ejected: false,
      model: { name: 'two-tower', version: 'v1' },
    });
  });

  it('replaces the upstream list and routes to the new replica right away', async () => {
    h = await startHarness([{ id: 'r1' }]);
    extra = await startStandIn({ id: 'r2' });
    const res = await admin(h.url, 'PUT', '/admin/upstreams', { upstreams: [{ id: 'r2', url: extra.url, zone: 'zone-b' }] });
    expect(res.status).toBe(200);
    expect(res.body.upstreams).toEqual([expect.objectContaining({ id: 'r2', ready: true, eligible: true })]);
    const rec = await fetch(new URL('/v1/recommend', h.url), { method: 'POST', body: JSON.stringify({ userId: 'u-1', k: 2 }), headers: { 'content-type': 'application/json' } });
    expect(rec.headers.get('x-drillbook-replica')).toBe('r2');
  });

  it.each([
    ['a list that is not a list', { upstreams: 'r1' }, 'upstreams'],
    ['an entry without a url', { upstreams: [{ id: 'x', zone: 'z' }] }, 'upstreams[0].url'],
    ['an unknown field', { upstreams: [], drain: true }, 'drain'],
    ['a body that is not JSON', '{nope', 'body'],
  ])('rejects an upstream list with %s and names the field', async (_what, body, field) => {
    h = await startHarness([{ id: 'r1' }]);
    const res = await admin(h.url, 'PUT', '/admin/upstreams', body, ADMIN_TOKEN);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(h.gateway.pool.all.map((u) => u.id)).toEqual(['r1']);
  });

  it('answers 405 with the allowed methods for a method it does not serve', async () => {
    h = await startHarness([{ id: 'r1' }]);
    const res = await fetch(new URL('/admin/upstreams', h.url), { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PUT');
  });
});
