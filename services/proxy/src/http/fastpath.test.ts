import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_METRIC } from '@drillbook/contracts';
import { inject, json, metricValue, request, startProxy, startUpstream, type Upstream } from '../__fixtures__/upstream.js';
import type { FaultProxy } from '../Proxy.js';

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

interface Answer {
  status: number;
  head: string;
  body: string;
}

/** Complete answers (Content-Length framed) in what a raw client has read so far. */
function answers(text: string): Answer[] {
  const out: Answer[] = [];
  let at = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0) return out;
    const head = text.slice(at, end);
    const len = Number(/\r\ncontent-length: *([0-9]+)/i.exec(head)?.[1] ?? 0);
    if (text.length < end + 4 + len) return out;
    out.push({ status: Number(head.slice(9, 12)), head, body: text.slice(end + 4, end + 4 + len) });
    at = end + 4 + len;
  }
}

/** A raw client connection: the test writes bytes and waits for whole answers, as a pipelining client would. */
function rawClient(url: string) {
  const u = new URL(url);
  const s = net.connect(Number(u.port), u.hostname);
  let text = '';
  let closed = false;
  s.on('data', (c: Buffer) => (text += c.toString('latin1')));
  s.on('error', () => {});
  s.on('close', () => (closed = true));
  return {
    send: (b: string | Buffer) => s.write(b),
    /** Wait for `n` whole answers (or the connection to close); returns every answer so far. */
    async answers(n: number): Promise<Answer[]> {
      for (let i = 0; i < 1000 && answers(text).length < n && !closed; i++) await new Promise((r) => setTimeout(r, 5));
      return answers(text);
    },
    /** Wait until what was read satisfies `done` (or the connection closes); returns it. */
    async until(done: (text: string) => boolean): Promise<string> {
      for (let i = 0; i < 1000 && !done(text) && !closed; i++) await new Promise((r) => setTimeout(r, 5));
      return text;
    },
    async closed(): Promise<boolean> {
      for (let i = 0; i < 200 && !closed; i++) await new Promise((r) => setTimeout(r, 5));
      return closed;
    },
    close: () => s.destroy(),
  };
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: client.test\r\n${extra}\r\n`;
const post = (path: string, body: string, extra = '') => `POST ${path} HTTP/1.1\r\nHost: client.test\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('fast path (no fault active)', () => {
  it('answers pipelined requests in order over one client connection and one upstream connection, counted like any request', async () => {
    const count = (method: string) => metricValue(proxy.url, `${PROXY_METRIC.requestDuration}_count`, { http_request_method: method, http_response_status_code: '200' });
    const [gets, posts] = [await count('GET'), await count('POST')];
    const upBefore = up.connections();
    const c = rawClient(proxy.url);
    // Three requests in one write; the last asks to close.
    c.send(get('/echo?i=0') + post('/echo?i=1', 'abc', 'Content-Type: text/plain\r\n') + get('/echo?i=2', 'Connection: close\r\n'));
    const a = await c.answers(3);
    expect(a.map((x) => x.status)).toEqual([200, 200, 200]);
    const bodies = a.map((x) => JSON.parse(x.body));
    expect(bodies.map((b) => b.url)).toEqual(['/echo?i=0', '/echo?i=1', '/echo?i=2']);
    expect(bodies[1]).toMatchObject({ method: 'POST', body: 'abc' });
    expect(bodies[0].headers).toMatchObject({ host: new URL(up.url).host, 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'client.test' });
    // The upstream's hop-by-hop headers stay on its hop; the proxy announces its own.
    expect(a[0].head).not.toMatch(/x-secret-hop|timeout=5/i);
    expect(a[0].head).toMatch(/\r\nConnection: keep-alive\r\n/i);
    expect(a[2].head).toMatch(/\r\nConnection: close/i);
    expect(await c.closed()).toBe(true);
    expect(up.connections() - upBefore).toBeLessThanOrEqual(1);
    expect(await count('GET')).toBe(gets + 2);
    expect(await count('POST')).toBe(posts + 1);
    expect(await metricValue(proxy.url, PROXY_METRIC.inFlight)).toBe(0);
  });

  it('forwards a chunked request body that arrives in pieces, then serves the next request on the same connection', async () => {
    const c = rawClient(proxy.url);
    c.send('POST /echo HTTP/1.1\r\nHost: client.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel');
    await new Promise((r) => setTimeout(r, 30));
    c.send('lo\r\n6\r\n world\r\n0\r\n\r\n' + get('/echo?next=1'));
    const a = await c.answers(2);
    c.close();
    expect(JSON.parse(a[0].body)).toMatchObject({ method: 'POST', body: 'hello world', headers: { 'transfer-encoding': 'chunked' } });
    expect(JSON.parse(a[1].body).url).toBe('/echo?next=1');
  });

  it('passes a chunked answer through and keeps the connection for the next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const s = await request(`${proxy.url}/stream?n=4`, { agent });
    const e = await request(`${proxy.url}/echo`, { agent });
    agent.destroy();
    expect(s.body.toString()).toBe('chunk-0\nchunk-1\nchunk-2\nchunk-3\n');
    expect(s.headers['transfer-encoding']).toBe('chunked');
    expect(e.status).toBe(200);
    expect(e.socketReused).toBe(true);
  });

  it('streams large bodies both ways intact (8 MiB up, 16 MB down)', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const big = Buffer.alloc(8 * 1024 * 1024, 'y');
    const r = await request(`${proxy.url}/echo`, { method: 'POST', body: big, agent });
    const d = await request(`${proxy.url}/bytes?n=16000000`, { agent });
    agent.destroy();
    expect(JSON.parse(r.body.toString()).body.length).toBe(big.length);
    expect(d.body.length).toBe(16_000_000);
    expect(d.body.every((b) => b === 120)).toBe(true);
    expect(d.socketReused).toBe(true);
  });

  it('answers a HEAD request without a body and keeps the connection usable', async () => {
    const c = rawClient(proxy.url);
    c.send(`HEAD /bytes?n=500 HTTP/1.1\r\nHost: client.test\r\n\r\n` + get('/echo?after=head'));
    const text = await c.until((t) => t.includes('"url":"/echo?after=head"'));
    c.close();
    // The HEAD answer announces 500 bytes and carries none: the next answer follows its head at once.
    const end = text.indexOf('\r\n\r\n');
    expect(text.slice(0, end)).toMatch(/^HTTP\/1\.1 200 [\s\S]*content-length: 500/i);
    expect(text.slice(end + 4, end + 13)).toBe('HTTP/1.1 ');
  });

  it('answers 502 when the upstream resets before answering, counts it, and the client connection stays usable', async () => {
    const before = await metricValue(proxy.url, PROXY_METRIC.upstreamErrors, { kind: 'connect_error' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const r = await request(`${proxy.url}/reset`, { agent });
    const next = await request(`${proxy.url}/echo`, { agent });
    agent.destroy();
    expect(r.status).toBe(502);
    expect(JSON.parse(r.body.toString())).toMatchObject({ upstream: up.url, error: expect.stringContaining(`upstream ${up.url} failed:`) });
    expect(await metricValue(proxy.url, PROXY_METRIC.upstreamErrors, { kind: 'connect_error' })).toBe(before + 1);
    expect(next.status).toBe(200);
    expect(next.socketReused).toBe(true);
  });

  it('a fault injected while a connection is open applies to that connection\'s next request', async () => {
    const c = rawClient(proxy.url);
    c.send(post('/v1/recommend', '{}'));
    expect((await c.answers(1))[0].status).toBe(200);
    const f = await json(inject(proxy.url, { type: 'error', ttlMs: 10_000, status: 503 }));
    c.send(post('/v1/recommend', '{}'));
    const a = await c.answers(2);
    c.close();
    expect(a[1].status).toBe(503);
    expect(JSON.parse(a[1].body)).toMatchObject({ fault: f.id });
    expect(await metricValue(proxy.url, PROXY_METRIC.faultsApplied, { fault: f.id })).toBe(1);
  });

  it('a fault injected between pipelined requests applies to those not yet started', async () => {
    const c = rawClient(proxy.url);
    // The first request is slow upstream; the fault arrives while it is in flight, the second waits behind it.
    c.send(get('/slow?ms=200') + get('/echo?second=1'));
    await new Promise((r) => setTimeout(r, 50));
    await inject(proxy.url, { type: 'error', ttlMs: 10_000, status: 500 });
    const a = await c.answers(2);
    c.close();
    expect(a.map((x) => x.status)).toEqual([200, 500]);
  });

  it('answers a malformed head with 400, as node:http does, also after a request served on the same connection', async () => {
    const c = rawClient(proxy.url);
    c.send(get('/echo'));
    expect((await c.answers(1))[0].status).toBe(200);
    c.send('GET /echo HTTP/1.1\r\nHost: client.test\r\nnot a header\r\n\r\n');
    const a = await c.answers(2);
    expect(a[1].status).toBe(400);
    expect(await c.closed()).toBe(true);

    const fresh = rawClient(proxy.url);
    fresh.send('GARBAGE\r\n\r\n');
    expect((await fresh.answers(1))[0].status).toBe(400);
    fresh.close();
  });

  it('hands HTTP/1.0 to node:http, which still answers it', async () => {
    const c = rawClient(proxy.url);
    c.send('GET /echo?v=10 HTTP/1.0\r\n\r\n');
    const a = await c.answers(1);
    c.close();
    expect(a[0].status).toBe(200);
    expect(JSON.parse(a[0].body).url).toBe('/echo?v=10');
  });
});

describe('fast path writes', () => {
  it('sends a small request upstream in one socket write (head and body together), not two', async () => {
    const upstream = net.createServer((s) => {
      let buf = '';
      s.on('data', (c: Buffer) => {
        buf += c.toString('latin1');
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/\r\ncontent-length: *([0-9]+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nkeep-alive: timeout=5\r\n\r\n{}');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upPort = (upstream.address() as net.AddressInfo).port;
    // Count the proxy's writes to the upstream socket (node's net.Socket turns each into one write or writev call).
    type Writer = { _writeGeneric: (...args: unknown[]) => unknown };
    const proto = net.Socket.prototype as unknown as Writer;
    const original = proto._writeGeneric;
    let writes = 0;
    proto._writeGeneric = function (this: net.Socket, ...args: unknown[]) {
      if (this.remotePort === upPort) writes++;
      return original.apply(this, args);
    };
    const p = await startProxy(`http://127.0.0.1:${upPort}`);
    const c = rawClient(p.url);
    try {
      const body = JSON.stringify({ userId: 'u-1', query: 'running shoes', k: 10 });
      const perRequest: number[] = [];
      for (let i = 1; i <= 5; i++) {
        const before = writes;
        c.send(post('/v1/recommend', body, 'content-type: application/json\r\n'));
        expect((await c.answers(i)).map((a) => a.status)).toEqual(Array(i).fill(200));
        perRequest.push(writes - before);
      }
      expect(perRequest).toEqual([1, 1, 1, 1, 1]);
    } finally {
      proto._writeGeneric = original;
      c.close();
      await p.stop(100);
      await new Promise((r) => upstream.close(r));
    }
  });
});
