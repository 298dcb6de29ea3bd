/**
 * Failover through the gateway with real processes on 127.0.0.1: three stand-in replicas and
 * the gateway (`src/main.ts`), each its own process, so a replica can really be SIGKILLed or
 * frozen with SIGSTOP under steady open-model load.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { admin, ADMIN_TOKEN, waitFor } from './__fixtures__/harness.js';
import { type Outcome, startLoad } from './__fixtures__/load.js';
import { type Child, spawnGateway, spawnStandIn } from './__fixtures__/processes.js';
import type { StandInOptions } from './__fixtures__/standIn.js';

const children: Child[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Steady load; with 20 ms answers a few requests are always in flight on each replica. */
const RATE = 80;
const ZONES = ['zone-a', 'zone-b', 'zone-a'];

function replicaOptions(i: number, port?: number): StandInOptions {
  // 20 ms per answer keeps a few requests in flight on every replica at the moment of a kill.
  return { id: `r${i + 1}`, zone: ZONES[i], port, behaviour: { latencyMs: 20 } };
}

async function startStack(gatewayOverrides: Record<string, unknown> = {}) {
  const replicas = await Promise.all([0, 1, 2].map((i) => spawnStandIn(replicaOptions(i))));
  children.push(...replicas);
  const gateway = await spawnGateway({
    adminToken: ADMIN_TOKEN,
    logLevel: 'warn',
    // Deadlines with room for a CPU-starved shared machine (load averages of 15+ on two cores happen
    // while other suites run): these tests are about failures, not speed.
    requestTimeoutMs: 4000,
    tryTimeoutMs: 1500,
    healthCheck: { timeoutMs: 3000 },
    upstreams: replicas.map((r, i) => ({ id: `r${i + 1}`, url: r.url, zone: ZONES[i] })),
    ...gatewayOverrides,
  });
  children.push(gateway);
  return { replicas, gateway };
}

async function upstream(gatewayUrl: string, id: string): Promise<{ eligible: boolean; ready: boolean }> {
  const res = await admin(gatewayUrl, 'GET', '/admin/upstreams');
  return res.body.upstreams.find((u: { id: string }) => u.id === id);
}

async function counter(gatewayUrl: string, line: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  const found = text.split('\n').find((l) => l.startsWith(line + ' '));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

function failures(outcomes: Outcome[]): Outcome[] {
  return outcomes.filter((o) => o.status !== 200 || o.degraded);
}

describe('failover through the gateway (real processes)', () => {
  it('loses no request when a replica is SIGKILLed under steady load, and re-admits it after restart', async () => {
    const { replicas, gateway } = await startStack();
    const load = startLoad({ url: gateway.url, rps: RATE });
    await sleep(1500);
    const victim = replicas[1];
    await victim.kill('SIGKILL');
    await waitFor('the gateway to take r2 out', async () => !(await upstream(gateway.url, 'r2')).eligible);
    await sleep(1000);

    const restarted = await spawnStandIn(replicaOptions(1, victim.port));
    children.push(restarted);
    await waitFor('the gateway to re-admit r2', async () => (await upstream(gateway.url, 'r2')).eligible);
    const servedBefore = await counter(gateway.url, 'gateway_upstream_requests_total{upstream="r2",code="200"}');
    await waitFor(
      'traffic to reach the restarted r2',
      async () => (await counter(gateway.url, 'gateway_upstream_requests_total{upstream="r2",code="200"}')) > servedBefore + 20,
    );
    load.stop();
    const outcomes = await load.done;

    expect(outcomes.length).toBeGreaterThan(200);
    expect(failures(outcomes)).toEqual([]);
  });

  it('shows client-visible failures for the same kill when retries are off', async () => {
    // Checks once a second: several requests reach the dead replica before a check could notice.
    const { replicas, gateway } = await startStack({ retries: false, healthCheck: { timeoutMs: 3000, intervalMs: 1000 } });
    const load = startLoad({ url: gateway.url, rps: RATE });
    await sleep(1500);
    await replicas[1].kill('SIGKILL');
    await waitFor('the gateway to take r2 out', async () => !(await upstream(gateway.url, 'r2')).eligible);
    await sleep(500);
    load.stop();
    const outcomes = await load.done;

    const failed = failures(outcomes);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((o) => o.status === 502)).toBe(true);
  });

  it('keeps answering while a replica is frozen with SIGSTOP, and takes it back after SIGCONT', async () => {
    const { replicas, gateway } = await startStack();
    const load = startLoad({ url: gateway.url, rps: RATE });
    await sleep(1000);
    const frozen = replicas[0];
    frozen.process.kill('SIGSTOP');
    await waitFor('the gateway to take the frozen r1 out', async () => !(await upstream(gateway.url, 'r1')).eligible);
    await sleep(1000);
    frozen.process.kill('SIGCONT');
    await waitFor('the gateway to take r1 back', async () => (await upstream(gateway.url, 'r1')).eligible);
    load.stop();
    const outcomes = await load.done;

    expect(failures(outcomes)).toEqual([]);
    expect(await counter(gateway.url, 'gateway_retries_total{reason="timeout"}')).toBeGreaterThan(0);
  });

  it('answers from its fallback when every replica is killed, and exits cleanly on SIGTERM', async () => {
    const { replicas, gateway } = await startStack();
    await Promise.all(replicas.map((r) => r.kill('SIGKILL')));
    await waitFor('every upstream out', async () => (await fetch(new URL('/readyz', gateway.url))).status === 503);
    const res = await fetch(new URL('/v1/recommend', gateway.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'u-1', k: 4 }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ degraded: true, reason: 'no_upstream', replica: 'gateway' });

    const exited = new Promise<number | null>((resolve) => gateway.process.once('exit', (code) => resolve(code)));
    gateway.process.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('exits on its own when the supervisor that started it goes away', async () => {
    const gateway = await spawnGateway({ adminToken: ADMIN_TOKEN, logLevel: 'warn', upstreams: [] }, { ipc: true });
    children.push(gateway);
    const exited = new Promise<number | null>((resolve) => gateway.process.once('exit', (code) => resolve(code)));
    gateway.process.disconnect();
    expect(await exited).toBe(0);
  });

  it('refuses to start on a bad config and names the key', async () => {
    await expect(spawnGateway({ adminToken: ADMIN_TOKEN, healthCheck: { intervalMs: -1 } })).rejects.toThrow(/config key "healthCheck.intervalMs"/);
  });
});
