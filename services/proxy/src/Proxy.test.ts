import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_FAULT_HEADER, PROXY_METRIC } from '@drillbook/contracts';
import { inject, json, metricValue, recommendAnswer, request, startProxy, startUpstream, type Upstream } from './__fixtures__/upstream.js';
import type { FaultProxy } from './Proxy.js';

let up: Upstream;
let proxy: FaultProxy;

beforeAll(async () => {
  up = await startUpstream();
  proxy = await startProxy(up.url);
});
afterAll(async () => {
  await proxy.stop(100);
  await up.close();
});
afterEach(() => {
  proxy.faults.clear();
});

describe('pass-through', () => {
  it('forwards method, path, query and body, and returns the upstream answer unchanged', async () => {
    const r = await request(`${proxy.url}/echo?a=1&b=2`, { method: 'PUT', headers: { 'content-type': 'text/plain', 'x-custom': 'v' }, body: 'hello' });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body.toString());
    expect(body).toMatchObject({ method: 'PUT', url: '/echo?a=1&b=2', body: 'hello' });
    expect(body.headers['x-custom']).toBe('v');
    expect(r.headers['x-up']).toBe('yes');
    expect(r.headers[PROXY_FAULT_HEADER]).toBeUndefined();
  });

  it('sets X-Forwarded-For/-Proto/-Host and the upstream Host, and appends to an existing X-Forwarded-For', async () => {
    const r = await request(`${proxy.url}/echo`, { headers: { 'x-forwarded-for': '10.0.0.9' } });
    const h = JSON.parse(r.body.toString()).headers;
    expect(h['x-forwarded-for']).toBe('10.0.0.9, 127.0.0.1');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-host']).toBe(new URL(proxy.url).host);
    expect(h.host).toBe(new URL(up.url).host);
  });

  it('drops hop-by-hop headers both ways, including those the Connection header names', async () => {
    const r = await request(`${proxy.url}/echo`, { headers: { connection: 'keep-alive, x-hop', 'x-hop': 'secret', 'proxy-authorization': 'Basic abc', te: 'trailers' } });
    const h = JSON.parse(r.body.toString()).headers;
    expect(h['x-hop']).toBeUndefined();
    expect(h['proxy-authorization']).toBeUndefined();
    expect(h.te).toBeUndefined();
    expect(r.headers['x-secret-hop']).toBeUndefined();
    // The upstream's own keep-alive (timeout=5) stays on its hop; the proxy announces its own.
    expect(r.headers['keep-alive']).not.toBe('timeout=5');
  });

  it('streams a chunked answer: the first chunk arrives long before the upstream has finished', async () => {
    const t0 = Date.now();
    const firstAt = await new Promise<{ first: number; end: number; text: string }>((resolve, reject) => {
      http.get(`${proxy.url}/stream?n=5`, (res) => {
        let first = 0;
        let text = '';
        res.on('data', (c) => {
          if (!first) first = Date.now() - t0;
          text += c;
        });
        res.on('end', () => resolve({ first, end: Date.now() - t0, text }));
      }).on('error', reject);
    });
    expect(firstAt.text).toBe('chunk-0\nchunk-1\nchunk-2\nchunk-3\nchunk-4\n');
    // The upstream spaces its 5 chunks 100 ms apart: a buffering proxy would deliver the first at ~400 ms.
    expect(firstAt.end - firstAt.first).toBeGreaterThanOrEqual(300);
  });

  it('streams a large request body to the upstream intact', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const r = await request(`${proxy.url}/echo`, { method: 'POST', body: big });
    expect(JSON.parse(r.body.toString()).body.length).toBe(big.length);
  });

  it('streams a chunked request body of unknown length (any method) to the upstream intact, and honours Expect: 100-continue', async () => {
    const target = new URL(`${proxy.url}/echo`);
    const answer = await new Promise<{ status: number; body: { method: string; body: string; headers: Record<string, string> } }>((resolve, reject) => {
      const r = http.request(target, { method: 'DELETE', headers: { 'transfer-encoding': 'chunked', expect: '100-continue' }, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      r.on('error', reject);
      r.on('continue', () => {
        r.write('part one, ');
        setTimeout(() => r.end('part two'), 50);
      });
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ method: 'DELETE', body: 'part one, part two' });
    expect(answer.body.headers['transfer-encoding']).toBe('chunked');
    expect(answer.body.headers.expect).toBeUndefined();
  });

  it('keeps connections alive on both sides: many requests over one client connection reuse upstream connections', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const before = up.connections();
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await request(`${proxy.url}/v1/recommend`, { method: 'POST', body: '{}', agent }));
    agent.destroy();
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.slice(1).every((r) => r.socketReused)).toBe(true);
    expect(up.connections() - before).toBeLessThanOrEqual(1);
  });
});

describe('upstream failures', () => {
  it('answers 502 naming the upstream when nothing listens there, and counts a connect error', async () => {
    const dead = await startUpstream();
    const url = dead.url;
    await dead.close();
    const p = await startProxy(url);
    try {
      const before = await metricValue(p.url, PROXY_METRIC.upstreamErrors, { kind: 'connect_error' });
      const r = await request(`${p.url}/v1/recommend`, { method: 'POST', body: '{}' });
      expect(r.status).toBe(502);
      expect(JSON.parse(r.body.toString())).toMatchObject({ upstream: url, error: expect.stringContaining('ECONNREFUSED') });
      expect(await metricValue(p.url, PROXY_METRIC.upstreamErrors, { kind: 'connect_error' })).toBe(before + 1);
    } finally {
      await p.stop(100);
    }
  });

  it('answers 504 when the upstream stays silent past the upstream timeout', async () => {
    const p = await startProxy(up.url, { upstreamTimeoutMs: 100 });
    try {
      const r = await request(`${p.url}/slow?ms=1000`);
      expect(r.status).toBe(504);
      expect(await metricValue(p.url, PROXY_METRIC.upstreamErrors, { kind: 'timeout' })).toBe(1);
    } finally {
      await p.stop(100);
    }
  });

  it('cuts the client connection when the upstream dies mid-answer (no truncated body passed off as whole), counted once', async () => {
    const before = await metricValue(proxy.url, PROXY_METRIC.upstreamErrors, { kind: 'reset' });
    await expect(request(`${proxy.url}/cut`)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(await metricValue(proxy.url, PROXY_METRIC.upstreamErrors, { kind: 'reset' })).toBe(before + 1);
  });
});

describe('graceful stop', () => {
  it('lets a request in flight finish, then refuses new connections', async () => {
    const p = await startProxy(up.url);
    const inflight = request(`${p.url}/slow?ms=300`);
    await new Promise((r) => setTimeout(r, 50));
    const stopped = p.stop(5000);
    const r = await inflight;
    expect(r.status).toBe(200);
    expect(r.headers.connection).toBe('close');
    await stopped;
    await expect(request(`${p.url}/v1/recommend`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('releases a hung request at once instead of waiting out the grace period or the fault', async () => {
    const p = await startProxy(up.url);
    await inject(p.url, { type: 'hang', ttlMs: 60_000 });
    const hung = request(`${p.url}/v1/recommend`, { method: 'POST', body: '{}' }).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((r) => setTimeout(r, 100));
    // A ten-minute grace period: were the hung request not released, stop() would outlast the test's timeout.
    await p.stop(600_000);
    expect(await hung).toBe('dropped');
    expect(p.faults.size).toBe(0);
  });
});

describe('faults on the HTTP exchange', () => {
  it('latency: a fixed delay is added before the upstream is called, counted, and marked on the answer', async () => {
    const f = await json(inject(proxy.url, { type: 'latency', ttlMs: 10_000, delay: { distribution: 'fixed', ms: 250 } }));
    const t0 = performance.now();
    const r = await request(`${proxy.url}/v1/recommend`, { method: 'POST', body: '{}' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
    expect(r.status).toBe(200);
    expect(r.headers[PROXY_FAULT_HEADER]).toBe('latency');
    expect(await metricValue(proxy.url, PROXY_METRIC.faultsApplied, { fault: f.id, type: 'latency' })).toBe(1);
  });

  it('error: answers the configured status without calling the upstream', async () => {
    const f = await json(inject(proxy.url, { type: 'error', ttlMs: 10_000, status: 503 }));
    const before = up.requests();
    const r = await request(`${proxy.url}/v1/recommend`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body.toString())).toMatchObject({ fault: f.id });
    expect(up.requests()).toBe(before);
    expect(await metricValue(proxy.url, PROXY_METRIC.faultsApplied, { fault: f.id })).toBe(1);
  });

  it('error at a rate: about the given percentage of requests fail', async () => {
    await inject(proxy.url, { type: 'error', ttlMs: 10_000, status: 500, match: { percentage: 30 } });
    const agent = new http.Agent({ keepAlive: true });
    let failed = 0;
    for (let i = 0; i < 400; i++) if ((await request(`${proxy.url}/v1/recommend`, { method: 'POST', body: '{}', agent })).status === 500) failed++;
    agent.destroy();
    // Binomial(400, 0.3): mean 120, sd 9.2; the bounds are beyond 5 sd.
    expect(failed).toBeGreaterThan(70);
    expect(failed).toBeLessThan(170);
  });

  it('reset: the client connection is reset without an answer', async () => {
    const f = await json(inject(proxy.url, { type: 'reset', ttlMs: 10_000 }));
    await expect(request(`${proxy.url}/v1/recommend`, { method: 'POST', body: '{}' })).rejects.toThrow(/ECONNRESET|socket hang up/);
    expect(await metricValue(proxy.url, PROXY_METRIC.faultsApplied, { fault: f.id, type: 'reset' })).toBe(1);
  });

  it('hang: the request gets no answer until the fault ends, then the connection is dropped', async () => {
    const f = await json(inject(proxy.url, { type: 'hang', ttlMs: 400 }));
    const t0 = performance.now();
    await expect(request(`${proxy.url}/v1/recommend`, { method: 'POST', body: '{}' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300);
    expect(await metricValue(proxy.url, PROXY_METRIC.faultsApplied, { fault: f.id, type: 'hang' })).toBe(1);
  });

  it('bandwidth: a 20 kB answer at 40 kB/s takes about half a second, and arrives intact', async () => {
    await inject(proxy.url, { type: 'bandwidth', ttlMs: 10_000, bytesPerSecond: 40_000 });
    const t0 = performance.now();
    const r = await request(`${proxy.url}/bytes?n=20000`);
    const took = performance.now() - t0;
    expect(r.body.length).toBe(20_000);
    expect(r.body.every((b) => b === 120)).toBe(true);
    expect(took).toBeGreaterThanOrEqual(400);
    expect(r.headers[PROXY_FAULT_HEADER]).toBe('bandwidth');
  });

  it('corrupt shuffle: the /v1/recommend items come back in another order, same items', async () => {
    const f = await json(inject(proxy.url, { type: 'corrupt', ttlMs: 10_000, mode: 'shuffle' }));
    const r = await request(`${proxy.url}/v1/recommend`, { method: 'POST', body: '{}' });
    const body = JSON.parse(r.body.toString());
    const ids = body.items.map((i: { itemId: string }) => i.itemId);
    expect(ids).not.toEqual(recommendAnswer.items.map((i) => i.itemId));
    expect([...ids].sort()).toEqual(recommendAnswer.items.map((i) => i.itemId).sort());
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.headers[PROXY_FAULT_HEADER]).toBe('corrupt');
    expect(await metricValue(proxy.url, PROXY_METRIC.faultsApplied, { fault: f.id, type: 'corrupt' })).toBe(1);
  });

  it('corrupt empty: an OIP v2 infer answer loses its item ids (and the scores beside them), shapes follow', async () => {
    await inject(proxy.url, { type: 'corrupt', ttlMs: 10_000, mode: 'empty' });
    const r = await request(`${proxy.url}/v2/models/two-tower/infer`, { method: 'POST', body: '{}' });
    const out = JSON.parse(r.body.toString()).outputs;
    expect(out[0]).toMatchObject({ name: 'item_ids', shape: [0], data: [] });
    expect(out[1]).toMatchObject({ name: 'scores', shape: [0], data: [] });
    expect(out[2]).toMatchObject({ name: 'degraded', data: [false] });
  });

  it('corrupt on an answer without an item list passes it through and counts a skip, not an application', async () => {
    const f = await json(inject(proxy.url, { type: 'corrupt', ttlMs: 10_000, mode: 'empty' }));
    const r = await request(`${proxy.url}/echo`);
    expect(JSON.parse(r.body.toString()).method).toBe('GET');
    expect(r.headers[PROXY_FAULT_HEADER]).toBeUndefined();
    expect(await metricValue(proxy.url, PROXY_METRIC.faultsApplied, { fault: f.id })).toBe(0);
    expect(await metricValue(proxy.url, PROXY_METRIC.faultsSkipped, { fault: f.id, reason: 'no_item_list' })).toBe(1);
  });
});

describe('matching', () => {
  it('by method and path prefix: only POST /v1/ requests fail', async () => {
    await inject(proxy.url, { type: 'error', ttlMs: 10_000, match: { methods: ['POST'], pathPrefix: '/v1/' } });
    expect((await request(`${proxy.url}/v1/recommend`, { method: 'POST', body: '{}' })).status).toBe(503);
    expect((await request(`${proxy.url}/v1/recommend`, { method: 'GET' })).status).toBe(200);
    expect((await request(`${proxy.url}/echo`, { method: 'POST' })).status).toBe(200);
  });

  it('by path glob: /v2/models/*/infer matches any model, not other paths', async () => {
    await inject(proxy.url, { type: 'error', ttlMs: 10_000, status: 500, match: { pathGlob: '/v2/models/*/infer' } });
    expect((await request(`${proxy.url}/v2/models/a/infer`, { method: 'POST' })).status).toBe(500);
    expect((await request(`${proxy.url}/v2/models/b/infer`, { method: 'POST' })).status).toBe(500);
    expect((await request(`${proxy.url}/v2/models/b/ready`)).status).toBe(404);
  });

  it('by header: exact value (name case-insensitive) and "*" for present', async () => {
    await inject(proxy.url, { type: 'error', ttlMs: 10_000, status: 500, match: { headers: { 'X-Synthetic': 'true' } } });
    await inject(proxy.url, { type: 'error', ttlMs: 10_000, status: 502, match: { headers: { 'x-canary': '*' } } });
    expect((await request(`${proxy.url}/echo`, { headers: { 'x-synthetic': 'true' } })).status).toBe(500);
    expect((await request(`${proxy.url}/echo`, { headers: { 'x-synthetic': 'false' } })).status).toBe(200);
    expect((await request(`${proxy.url}/echo`, { headers: { 'x-canary': 'anything' } })).status).toBe(502);
  });

  it('percentage 0 never fires', async () => {
    await inject(proxy.url, { type: 'error', ttlMs: 10_000, match: { percentage: 0 } });
    for (let i = 0; i < 20; i++) expect((await request(`${proxy.url}/echo`)).status).toBe(200);
  });

  it('never faults the proxy\'s own API', async () => {
    await inject(proxy.url, { type: 'error', ttlMs: 10_000 });
    expect((await fetch(`${proxy.url}/admin/healthz`)).status).toBe(200);
    expect((await fetch(`${proxy.url}/admin/faults`, { headers: { authorization: 'Bearer admin-token-1234' } })).status).toBe(200);
  });
});
