import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, inject, json, READER, request, startProxy, startUpstream, type Upstream } from './__fixtures__/upstream.js';
import type { FaultProxy } from './Proxy.js';

let up: Upstream;
let proxy: FaultProxy;
const auth = (t: string) => ({ authorization: `Bearer ${t}` });

beforeAll(async () => {
  up = await startUpstream();
  proxy = await startProxy(up.url);
});
afterAll(async () => {
  await proxy.stop(100);
  await up.close();
});

describe('fault API: authentication', () => {
  it('401 with a WWW-Authenticate challenge without a token or with an unknown one', async () => {
    const r = await fetch(`${proxy.url}/admin/faults`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect((await inject(proxy.url, { type: 'reset', ttlMs: 1000 }, 'wrong-token-000')).status).toBe(401);
  });

  it('the read-only token lists faults but gets 403 on inject and clear', async () => {
    expect((await fetch(`${proxy.url}/admin/faults`, { headers: auth(READER) })).status).toBe(200);
    expect((await inject(proxy.url, { type: 'reset', ttlMs: 1000 }, READER)).status).toBe(403);
    expect((await fetch(`${proxy.url}/admin/faults`, { method: 'DELETE', headers: auth(READER) })).status).toBe(403);
    expect(proxy.faults.size).toBe(0);
  });
});

describe('fault API: life of a fault', () => {
  it('inject answers 201 with the fault and its defaults; GET lists it with what it has done so far', async () => {
    const r = await inject(proxy.url, { type: 'error', ttlMs: 5000, note: 'drill x' });
    expect(r.status).toBe(201);
    const f = await json(r);
    expect(f).toMatchObject({ type: 'error', status: 503, ttlMs: 5000, note: 'drill x', applied: 0, match: { percentage: 100 } });
    await request(`${proxy.url}/echo`);
    const list = await json(fetch(`${proxy.url}/admin/faults`, { headers: auth(READER) }));
    expect(list).toMatchObject({ proxy: 'proxy', upstream: `${up.url}/`, faults: [{ id: f.id, applied: 1 }] });
    expect(list.faults[0].remainingMs).toBeGreaterThan(0);
    expect(list.faults[0].remainingMs).toBeLessThanOrEqual(5000);
    await fetch(`${proxy.url}/admin/faults/${f.id}`, { method: 'DELETE', headers: auth(ADMIN) });
  });

  it('a fault expires by itself after its TTL: the upstream answers again', async () => {
    await inject(proxy.url, { type: 'error', ttlMs: 300 });
    expect((await request(`${proxy.url}/echo`)).status).toBe(503);
    await new Promise((r) => setTimeout(r, 450));
    expect((await request(`${proxy.url}/echo`)).status).toBe(200);
    expect(proxy.faults.size).toBe(0);
  });

  it('DELETE by id clears one; DELETE ?type= clears that type; DELETE clears all; clearing twice is not an error', async () => {
    const a = await json(inject(proxy.url, { type: 'error', ttlMs: 60_000 }));
    const b = await json(inject(proxy.url, { type: 'latency', ttlMs: 60_000, delay: { distribution: 'fixed', ms: 1 } }));
    const c = await json(inject(proxy.url, { type: 'reset', ttlMs: 60_000, match: { pathPrefix: '/never' } }));
    const one = await json(fetch(`${proxy.url}/admin/faults/${a.id}`, { method: 'DELETE', headers: auth(ADMIN) }));
    expect(one.cleared).toEqual([a.id]);
    const again = await json(fetch(`${proxy.url}/admin/faults/${a.id}`, { method: 'DELETE', headers: auth(ADMIN) }));
    expect(again.cleared).toEqual([]);
    const byType = await json(fetch(`${proxy.url}/admin/faults?type=latency`, { method: 'DELETE', headers: auth(ADMIN) }));
    expect(byType.cleared).toEqual([b.id]);
    const all = await json(fetch(`${proxy.url}/admin/faults`, { method: 'DELETE', headers: auth(ADMIN) }));
    expect(all.cleared).toEqual([c.id]);
    expect((await request(`${proxy.url}/echo`)).status).toBe(200);
  });

  it('DELETE ?type= with an unknown type is refused with the field named', async () => {
    const r = await fetch(`${proxy.url}/admin/faults?type=explode`, { method: 'DELETE', headers: auth(ADMIN) });
    expect(r.status).toBe(400);
    expect(await json(r)).toMatchObject({ field: 'type' });
  });

  it('the API can move to another prefix so the upstream\'s own /admin stays reachable', async () => {
    const p = await startProxy(up.url, { adminPrefix: '/_proxy' });
    try {
      expect((await inject(p.url, { type: 'error', ttlMs: 1000 }, ADMIN, '/_proxy')).status).toBe(201);
      // /admin/faults now belongs to the upstream (404 from it), and the error fault does not touch the proxy's API.
      expect((await request(`${p.url}/admin/faults`)).status).toBe(503);
      expect((await fetch(`${p.url}/_proxy/metrics`)).status).toBe(200);
    } finally {
      await p.stop(100);
    }
  });
});

describe('fault API: malformed bodies get a 400 naming the field, and inject nothing', () => {
  const cases: [string, string | unknown, string, RegExp][] = [
    ['a body that is not JSON', '{"type":', 'body', /not valid JSON/],
    ['an array body', [], 'body', /JSON object/],
    ['an unknown fault type', { type: 'explode', ttlMs: 1000 }, 'type', /one of latency, error, reset, hang, bandwidth, corrupt/],
    ['no TTL', { type: 'error' }, 'ttlMs', /required/],
    ['a TTL over an hour', { type: 'error', ttlMs: 3_600_001 }, 'ttlMs', /<= 3600000/],
    ['a field of another fault type', { type: 'error', ttlMs: 1000, bytesPerSecond: 5 }, 'bytesPerSecond', /not a field/],
    ['a latency fault without its delay', { type: 'latency', ttlMs: 1000 }, 'delay', /required/],
    ['an unknown distribution', { type: 'latency', ttlMs: 1000, delay: { distribution: 'pareto', ms: 5 } }, 'delay.distribution', /unknown value "pareto"/],
    ['a missing distribution parameter', { type: 'latency', ttlMs: 1000, delay: { distribution: 'lognormal', medianMs: 5 } }, 'delay.sigma', /required/],
    ['a huge delay', { type: 'latency', ttlMs: 1000, delay: { distribution: 'normal', meanMs: 1e300, stddevMs: 1 } }, 'delay.meanMs', /<= 600000/],
    ['uniform with max below min', { type: 'latency', ttlMs: 1000, delay: { distribution: 'uniform', minMs: 50, maxMs: 10 } }, 'delay.maxMs', />= delay.minMs/],
    ['an error status out of range', { type: 'error', ttlMs: 1000, status: 200 }, 'status', />= 400/],
    ['a percentage over 100', { type: 'error', ttlMs: 1000, match: { percentage: 150 } }, 'match.percentage', /<= 100/],
    ['a lowercase method', { type: 'error', ttlMs: 1000, match: { methods: ['post'] } }, 'match.methods[0]', /pattern/],
    ['a path prefix without a leading slash', { type: 'error', ttlMs: 1000, match: { pathPrefix: 'v1' } }, 'match.pathPrefix', /pattern/],
    ['a fractional bandwidth', { type: 'bandwidth', ttlMs: 1000, bytesPerSecond: 1.5 }, 'bytesPerSecond', /integer/],
    ['a corrupt fault without a mode', { type: 'corrupt', ttlMs: 1000 }, 'mode', /required/],
    ['a bad JSON Pointer', { type: 'corrupt', ttlMs: 1000, mode: 'empty', pointer: 'items' }, 'pointer', /pattern/],
  ];
  for (const [name, body, field, message] of cases) {
    it(name, async () => {
      const r = await fetch(`${proxy.url}/admin/faults`, { method: 'POST', headers: { ...auth(ADMIN), 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(r.status).toBe(400);
      const e = await json(r);
      expect(e.field).toBe(field);
      expect(e.error).toMatch(message);
      expect(proxy.faults.size).toBe(0);
    });
  }

  it('a number too large for a double (1e400 parses to Infinity) is refused as not finite, by name', async () => {
    const r = await fetch(`${proxy.url}/admin/faults`, { method: 'POST', headers: { ...auth(ADMIN), 'content-type': 'application/json' }, body: '{"type":"bandwidth","ttlMs":1000,"bytesPerSecond":1e400}' });
    expect(r.status).toBe(400);
    expect(await json(r)).toEqual({ error: 'bytesPerSecond: must be a finite number', field: 'bytesPerSecond' });
  });
});
