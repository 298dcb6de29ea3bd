import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closedLoop, openLoop, type RequestSpec } from './http-load.js';

// The benchmarks' load client against a real node http server: what it counts is what the
// benchmark prints, so it must count answers, errors and degraded answers right and survive
// connections the server closes.

let server: http.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(opts: { closeIdleAfterMs?: number } = {}): Promise<{ url: string; seen: () => number; conns: () => number }> {
  let conns = 0;
  let seen = 0;
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      seen++;
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { n: number };
      const status = body.n % 5 === 4 ? 503 : 200;
      const text = JSON.stringify({ n: body.n, degraded: body.n % 5 === 1, echo: req.headers['x-synthetic'] });
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
      if (body.n % 7 === 3) headers.connection = 'close';
      res.writeHead(status, headers);
      res.end(text);
      // What a keep-alive timeout does: the server drops the idle connection without a word.
      if (opts.closeIdleAfterMs !== undefined) res.on('finish', () => setTimeout(() => req.socket.destroy(), opts.closeIdleAfterMs));
    });
  });
  server.on('connection', () => conns++);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen: () => seen, conns: () => conns };
}

function numbered(): { next: () => RequestSpec; sent: number[] } {
  const sent: number[] = [];
  let n = 0;
  return {
    sent,
    next: () => {
      sent.push(n);
      return { path: '/v1/recommend', body: JSON.stringify({ n: n++ }), headers: { 'x-synthetic': 'true' } };
    },
  };
}

const expected = (sent: number[]) => ({
  errors: sent.filter((n) => n % 5 === 4).length,
  degraded: sent.filter((n) => n % 5 === 1).length,
});

describe('benchmark load client', () => {
  it('closed loop: counts 200s as requests, non-200s as errors, and degraded answers, across server-closed connections', async () => {
    const { url, seen, conns } = await serve();
    const { next, sent } = numbered();
    const r = await closedLoop(url, next, 4, 0.5);
    expect(sent.length).toBeGreaterThan(20);
    expect(seen()).toBe(sent.length);
    expect(r.errors).toBe(expected(sent).errors);
    expect(r.degraded).toBe(expected(sent).degraded);
    expect(r.requests).toBe(sent.length - r.errors);
    expect(r.latenciesMs).toHaveLength(r.requests);
    // Keep-alive: new connections only where the server said `connection: close`.
    expect(conns()).toBeLessThanOrEqual(4 + sent.filter((n) => n % 7 === 3).length);
  });

  it('open loop: sends every scheduled request, even when the server closes idle keep-alive connections between them', async () => {
    const { url, seen, conns } = await serve({ closeIdleAfterMs: 2 }); // dropped long before the next request (every 20 ms)
    const { next, sent } = numbered();
    const samples: number[] = [];
    const r = await openLoop(url, next, 50, 1, (s) => samples.push(s.t));
    expect(sent).toHaveLength(50);
    expect(samples).toHaveLength(50);
    expect(seen()).toBe(50);
    expect(r.errors).toBe(expected(sent).errors);
    expect(r.degraded).toBe(expected(sent).degraded);
    expect(r.requests).toBe(50 - r.errors);
    expect(conns()).toBeGreaterThan(40); // the drops happened: (nearly) every request needed a new connection
  });
});
