/**
 * Timeouts against a replica in another process, with the gateway's own event loop stalled:
 * the timeout must measure the replica, not the gateway's stall.
 */
import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { type Child, spawnStandIn } from '../__fixtures__/processes.js';
import { Upstream } from '../health/Upstream.js';
import { UpstreamError } from '../errors.js';
import { sendAttempt } from './upstreamRequest.js';

const children: Child[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
});

function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* the gateway's event loop is busy */
  }
}

const body = Buffer.from(JSON.stringify({ userId: 'u-1', k: 3 }));
const request = { method: 'POST', path: '/v1/recommend', headers: { 'content-type': 'application/json', 'content-length': body.length }, body };

describe('sendAttempt timeouts', () => {
  it('takes an answer that arrived while the gateway itself was stalled past the timeout', async () => {
    const replica = await spawnStandIn({ id: 'r1', behaviour: { latencyMs: 30 } });
    children.push(replica);
    const agent = new http.Agent({ keepAlive: true });
    const u = new Upstream({ id: 'r1', url: replica.url, zone: 'zone-a' });
    await sendAttempt(agent, u, request, 5_000); // warm the connection
    const attempt = sendAttempt(agent, u, request, 200);
    await new Promise((r) => setTimeout(r, 10)); // the request is on the wire
    // Stall in the check phase, so the next loop turn starts with the timers, as after any busy stretch:
    // the replica answers after 30 ms; the 200 ms timer expires during the stall.
    await new Promise<void>((r) =>
      setImmediate(() => {
        stall(800);
        r();
      }),
    );
    const res = await attempt;
    expect(res.status).toBe(200);
    agent.destroy();
  });

  it('still times out a replica that really does not answer in time', async () => {
    const replica = await spawnStandIn({ id: 'r1', behaviour: { latencyMs: 2_000 } });
    children.push(replica);
    const agent = new http.Agent({ keepAlive: true });
    const u = new Upstream({ id: 'r1', url: replica.url, zone: 'zone-a' });
    const error = await sendAttempt(agent, u, request, 200).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).kind).toBe('timeout');
    agent.destroy();
  });
});
