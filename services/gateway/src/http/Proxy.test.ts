import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, waitFor } from '../__fixtures__/harness.js';
import { recommendOnce, startLoad } from '../__fixtures__/load.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function metricValue(url: string, line: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describe('gateway proxy', () => {
  it('answers through a replica and says which one and how many attempts it took', async () => {
    h = await startHarness([{ id: 'r1' }, { id: 'r2' }]);
    const res = await recommendOnce(h.url);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ degraded: false, modelVersion: 'v1' });
    expect(['r1', 'r2']).toContain(res.headers['x-drillbook-replica']);
    expect(res.headers['x-drillbook-attempts']).toBe('1');
  });

  it('retries a 5xx once on another replica, so the client sees no error', async () => {
    h = await startHarness([{ id: 'bad', behaviour: { errorRate: 1 } }, { id: 'good' }], { ejection: false });
    const results = await Promise.all(Array.from({ length: 30 }, () => recommendOnce(h!.url)));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(results.every((r) => r.headers['x-drillbook-replica'] === 'good')).toBe(true);
    expect(h.standIns[0].received()).toBeGreaterThan(0);
    expect(await metricValue(h.url, 'gateway_retries_total{reason="server_error"}')).toBe(h.standIns[0].received());
  });

  it('relays the 5xx when retries are turned off', async () => {
    h = await startHarness([{ id: 'bad', behaviour: { errorRate: 1 } }, { id: 'good' }], { ejection: false, retries: false });
    const results = await Promise.all(Array.from({ length: 30 }, () => recommendOnce(h!.url)));
    const failed = results.filter((r) => r.status === 503);
    expect(failed.length).toBe(h.standIns[0].received());
    expect(failed.length).toBeGreaterThan(0);
    expect(await metricValue(h.url, 'gateway_retries_total{reason="server_error"}')).toBe(0);
  });

  it('never retries a 4xx and passes the field the replica named', async () => {
    h = await startHarness([{ id: 'r1' }, { id: 'r2' }]);
    const res = await recommendOnce(h.url, {}, { userId: 'u-1', k: 0 });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'k must be an integer in 1..100', field: 'k' });
    expect(res.headers['x-drillbook-attempts']).toBe('1');
    expect(h.standIns[0].received() + h.standIns[1].received()).toBe(1);
  });

  it('gives up on a slow attempt at the try timeout and answers from another replica within the deadline', async () => {
    h = await startHarness([{ id: 'slow', behaviour: { latencyMs: 20_000 } }, { id: 'fast' }], {
      ejection: false,
      requestTimeoutMs: 8000,
      tryTimeoutMs: 1000,
      balancer: 'least-outstanding',
    });
    const results = await Promise.all(Array.from({ length: 6 }, () => recommendOnce(h!.url)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(results.every((r) => r.headers['x-drillbook-replica'] === 'fast')).toBe(true);
    expect(h.standIns[0].received()).toBeGreaterThan(0);
    expect(await metricValue(h.url, 'gateway_retries_total{reason="timeout"}')).toBe(h.standIns[0].received());
  });

  it('answers 504 when the only attempt allowed times out', async () => {
    h = await startHarness([{ id: 'slow', behaviour: { latencyMs: 2000 } }], { retries: false, fallback: false, requestTimeoutMs: 300, tryTimeoutMs: 100 });
    const res = await recommendOnce(h.url);
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ reason: 'upstream_timeout' });
  });

  it('passes degraded answers through as 200s when every replica is degraded', async () => {
    h = await startHarness([
      { id: 'r1', behaviour: { degraded: true } },
      { id: 'r2', behaviour: { degraded: true } },
    ]);
    const results = await Promise.all(Array.from({ length: 10 }, () => recommendOnce(h!.url)));
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ degraded: true, reason: 'model_unavailable' });
      expect(['r1', 'r2']).toContain(r.body.replica);
    }
  });

  it('serves the cached popularity list as a degraded answer when no replica is ready', async () => {
    h = await startHarness([{ id: 'r1' }, { id: 'r2' }]);
    for (const s of h.standIns) s.behaviour.ready = false;
    await waitFor('every upstream down', () => h!.gateway.pool.eligibleCount() === 0);
    const res = await recommendOnce(h.url, { 'x-synthetic': 'true' }, { userId: 'u-7', k: 3 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ degraded: true, reason: 'no_upstream', replica: 'gateway', modelVersion: null });
    expect((res.body.items as unknown[]).length).toBe(3);
    expect(res.headers['x-drillbook-replica']).toBe('gateway');
    expect(await metricValue(h.url, 'recsys_fallback_total{model="two-tower",reason="no_upstream"}')).toBe(1);
    const ready = await fetch(new URL('/readyz', h.url));
    expect(ready.status).toBe(503);
  });

  it('still validates the request when it answers from its own fallback', async () => {
    h = await startHarness([{ id: 'r1' }]);
    h.standIns[0].behaviour.ready = false;
    await waitFor('the upstream down', () => h!.gateway.pool.eligibleCount() === 0);
    const res = await recommendOnce(h.url, {}, { userId: '', k: 3 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'userId' });
  });

  it('answers 503 no_upstream when the fallback is turned off and no replica is ready', async () => {
    h = await startHarness([{ id: 'r1' }], { fallback: false });
    h.standIns[0].behaviour.ready = false;
    await waitFor('the upstream down', () => h!.gateway.pool.eligibleCount() === 0);
    const res = await recommendOnce(h.url);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ reason: 'no_upstream' });
  });

  it('falls back when the only replica fails and there is no other to retry on', async () => {
    h = await startHarness([{ id: 'r1', behaviour: { errorRate: 1 } }], { ejection: false });
    const res = await recommendOnce(h.url);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ degraded: true, replica: 'gateway' });
  });

  it('ejects a failing replica, stops sending it traffic, and re-admits it once it recovers', async () => {
    h = await startHarness([{ id: 'flaky', behaviour: { errorRate: 1 } }, { id: 'ok' }], {
      outlier: { consecutiveFailures: 3, baseEjectionMs: 300, maxEjectionMs: 300 },
    });
    const flaky = h.gateway.pool.get('flaky')!;
    for (let i = 0; i < 40 && !flaky.isEjected(Date.now()); i++) await recommendOnce(h.url);
    expect(flaky.isEjected(Date.now())).toBe(true);
    const before = h.standIns[0].received();
    const during = await Promise.all(Array.from({ length: 10 }, () => recommendOnce(h!.url)));
    expect(during.every((r) => r.status === 200 && r.headers['x-drillbook-replica'] === 'ok')).toBe(true);
    expect(h.standIns[0].received()).toBe(before);
    expect(await metricValue(h.url, 'gateway_ejections_total{upstream="flaky"}')).toBeGreaterThanOrEqual(1);

    h.standIns[0].behaviour.errorRate = 0;
    await waitFor('the ejection to end', () => flaky.isEligible(Date.now()));
    await waitFor('traffic to reach the recovered replica', async () => (await recommendOnce(h!.url)).headers['x-drillbook-replica'] === 'flaky');
  });

  it('sheds requests over maxInFlight with 503 and retry-after, and serves the admitted ones', async () => {
    h = await startHarness([{ id: 'r1', behaviour: { latencyMs: 500 } }], { maxInFlight: 3, retryAfterS: 2, requestTimeoutMs: 5000, tryTimeoutMs: 5000 });
    const results = await Promise.all(Array.from({ length: 12 }, () => recommendOnce(h!.url)));
    const shed = results.filter((r) => r.status === 503);
    const served = results.filter((r) => r.status === 200);
    expect(served.length).toBe(3);
    expect(served.every((r) => r.body.replica === 'r1' && r.body.degraded === false)).toBe(true);
    expect(shed.length).toBe(9);
    for (const r of shed) {
      expect(r.headers['retry-after']).toBe('2');
      expect(r.body).toMatchObject({ reason: 'overload' });
    }
    expect(await metricValue(h.url, 'recsys_shed_requests_total')).toBe(9);
  });

  it('keeps every request of a steady load successful while one replica is answering errors', async () => {
    h = await startHarness([{ id: 'r1' }, { id: 'r2', behaviour: { errorRate: 1 } }, { id: 'r3' }]);
    const run = startLoad({ url: h.url, rps: 200, total: 300 });
    const outcomes = await run.done;
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
  });
});
