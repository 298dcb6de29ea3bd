import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { measureCompliantThroughput } from './rateSearch.js';

/** A real local recommender stand-in whose readiness the test controls. */
function target(ready: () => boolean): Promise<{ url: string; server: Server; served: () => number }> {
  let served = 0;
  const body = JSON.stringify({ items: Array.from({ length: 10 }, (_, i) => ({ itemId: `i-${i}`, score: 1 - i / 10 })), model: 'm', modelVersion: 'v1', degraded: false, replica: 'r1' });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/readyz') {
        res.writeHead(ready() ? 200 : 503, { 'content-type': 'application/json' }).end(`{"ready":${ready()}}`);
        return;
      }
      served++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, served: () => served })));
}

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function sessionsFile(dir: string): string {
  const t = (i: number) => ({ userId: `u-${i}`, query: `q ${i}`, groundTruth: [`i-${i % 10}`], category: 'c', segment: 's' });
  const f = join(dir, 'sessions.json');
  writeFileSync(f, JSON.stringify({ schemaVersion: 1, world: { seed: 1, items: 10, users: 50 }, training: Array.from({ length: 50 }, (_, i) => t(i)), drifted: [t(99)] }));
  return f;
}

const plan = { startRps: 20, maxRps: 40, stepS: 1, warmupS: 0, refineSteps: 0 };
const objectives = { p99Ms: 1000, availability: 0.99, ndcgRatio: 0.5 };

describe('rate search when the target is not ready', () => {
  it('a target that never becomes ready: each rate counts as missed with the reason, the candidate is not thrown away', async () => {
    const t = await target(() => false);
    servers.push(t.server);
    const dir = mkdtempSync(join(tmpdir(), 'rate-search-'));
    dirs.push(dir);
    const r = await measureCompliantThroughput({ gatewayUrl: t.url, sessionsFile: sessionsFile(dir), plan, objectives, ndcgReference: null, outDir: dir, settleTimeoutMs: 300 });
    expect(r.compliantRps).toBe(0);
    expect(r.steps[0].pass).toBe(false);
    expect(r.steps[0].reason).toMatch(/target not ready 0.3 s after the previous rate/);
    expect(t.served()).toBe(0); // no load was sent at a target that was not ready
  });

  it('a target that is unready for a moment after a rate is waited for, and the search goes on', async () => {
    let unreadyUntil = 0;
    let sawRate = false;
    const t = await target(() => {
      // After the first rate's load, readiness drops for 1 s (a replica shedding / restarting), then returns.
      if (!sawRate && t0.served() >= 20) {
        sawRate = true;
        unreadyUntil = Date.now() + 1000;
      }
      return Date.now() >= unreadyUntil;
    });
    const t0 = t;
    servers.push(t.server);
    const dir = mkdtempSync(join(tmpdir(), 'rate-search-'));
    dirs.push(dir);
    const r = await measureCompliantThroughput({ gatewayUrl: t.url, sessionsFile: sessionsFile(dir), plan, objectives, ndcgReference: null, outDir: dir, settleTimeoutMs: 10_000 });
    expect(sawRate).toBe(true);
    expect(r.steps.map((s) => [s.offeredRps, s.pass])).toEqual([
      [20, true],
      [40, true],
    ]);
    expect(r.compliantRps).toBe(40);
  });
});
