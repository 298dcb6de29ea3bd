/**
 * The embedded reference deployment as real processes on 127.0.0.1: replicas across zones, the
 * gateway, background shoppers; supervisor restarts; faults that expire on their own; no orphans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from './Stack.js';
import { startControl } from './control.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Running, not merely present: once the runner is SIGKILLed its children are reparented, and an
 * exited child stays a zombie (state Z) until the new parent reaps it, which a container's init may
 * never do. A zombie holds no port, memory or model; it is not an orphan left running.
 */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return true; // no /proc: signal 0 is all there is
  }
};
async function until<T>(f: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
}
const dir = mkdtempSync(join(tmpdir(), 'drillbook-stack-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await Stack.start({ dir: join(dir, 'a'), replicas: 3, shopperRate: 10, restartDelayMs: 500, logLevel: 'warn' });
  }, 180_000);
  afterAll(() => stack?.stop());

  it('runs three replicas labelled across two zones and a gateway, each its own process', async () => {
    expect(stack.info.replicas.map((r) => r.zone)).toEqual(['zone-a', 'zone-b', 'zone-a']);
    const pids = [...stack.info.replicas.map((r) => r.pid!), stack.processes().gateway!, stack.processes().shoppers!];
    expect(new Set(pids).size).toBe(5);
    expect(pids.every(alive)).toBe(true);
    const up = await (await fetch(`${stack.info.gatewayUrl}/metrics`)).text();
    for (const r of stack.info.replicas) expect(up).toContain(`gateway_upstream_up{upstream="${r.id}",zone="${r.zone}"} 1`);
  });

  it('carries background shopper traffic without the synthetic label', async () => {
    const count = async () => {
      const text = await (await fetch(`${stack.info.gatewayUrl}/metrics`)).text();
      const m = /http_server_request_duration_seconds_count\{http_request_method="POST",http_route="\/v1\/recommend",http_response_status_code="200",synthetic="false",url_scheme="http",error_type=""\} (\d+)/.exec(text);
      return m ? Number(m[1]) : 0;
    };
    const before = await count();
    await sleep(2000);
    expect(await count()).toBeGreaterThan(before + 5);
  });

  it('restarts a SIGKILLed replica on the same port and the gateway re-admits it', async () => {
    const r1 = stack.replica('r1');
    const { port, pid } = r1;
    stack.kill('r1', 'SIGKILL');
    await until(async () => !alive(pid!));
    await until(async () => stack.replica('r1').phase === 'running' && stack.replica('r1').pid !== pid);
    expect(stack.replica('r1').port).toBe(port);
    expect(stack.replica('r1').restarts).toBe(1);
    await until(async () => (await (await fetch(`${stack.info.gatewayUrl}/metrics`)).text()).includes('gateway_upstream_up{upstream="r1",zone="zone-b"} 1'));
  });

  it('drops a fault from a replica process when its TTL runs out, without any call', async () => {
    const r0 = stack.replica('r0');
    const auth = { authorization: `Bearer ${stack.info.adminToken}`, 'content-type': 'application/json' };
    const res = await fetch(`${r0.url}/admin/faults`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'latency', latencyMs: 20, ttlMs: 800 }) });
    expect(res.status).toBe(201);
    const list = async () => ((await (await fetch(`${r0.url}/admin/faults`, { headers: auth })).json()) as { faults: unknown[] }).faults;
    expect(await list()).toHaveLength(1);
    await sleep(1200);
    expect(await list()).toEqual([]);
  });

  it('offers process faults through its control API, behind the admin token', async () => {
    const control = await startControl(stack);
    try {
      expect((await fetch(`${control.url}/topology`)).status).toBe(401);
      const auth = { authorization: `Bearer ${stack.info.adminToken}` };
      const paused = await fetch(`${control.url}/topology/replicas/r2/pause`, { method: 'POST', headers: auth });
      expect(paused.status).toBe(200);
      expect(stack.replica('r2').phase).toBe('paused');
      expect((await fetch(`${control.url}/topology/replicas/r2/resume`, { method: 'POST', headers: auth })).status).toBe(200);
      expect(stack.replica('r2').phase).toBe('running');
      expect((await fetch(`${control.url}/topology/replicas/r9/kill`, { method: 'POST', headers: auth })).status).toBe(404);
      expect((await fetch(`${control.url}/topology/replicas/r2/explode`, { method: 'POST', headers: auth })).status).toBe(400);
    } finally {
      control.server.close();
    }
  });

  it('stops every process it started', async () => {
    const s = await Stack.start({ dir: join(dir, 'b'), replicas: 2, shoppers: false, logLevel: 'warn' });
    const pids = s.pids();
    expect(pids).toHaveLength(3);
    await s.stop();
    await until(async () => pids.every((p) => !alive(p)), 10_000);
  }, 120_000);
});

describe('npm run stack', () => {
  it('leaves no orphan process when the runner itself is SIGKILLed', async () => {
    const cli = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cli.ts'), '--dir', join(dir, 'cli'), '--no-shoppers', '--replicas', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (d) => (out += d));
    const control = await until(async () => /control\s+(http:\/\/\S+)/.exec(out)?.[1], 180_000);
    const token = /admin token (\S+)/.exec(out)![1];
    const topo = (await (await fetch(`${control}/topology`, { headers: { authorization: `Bearer ${token}` } })).json()) as { replicas: Array<{ pid: number }>; processes: { gateway: number } };
    const pids = [...topo.replicas.map((r) => r.pid), topo.processes.gateway];
    expect(pids.every(alive)).toBe(true);
    cli.kill('SIGKILL');
    await until(async () => pids.every((p) => !alive(p)), 15_000).catch(() => {
      const state = (p: number) => {
        try {
          return readFileSync(`/proc/${p}/stat`, 'utf8').split(' ').slice(0, 4).join(' ');
        } catch {
          return `${p} gone`;
        }
      };
      throw new Error(`still running 15 s after the runner was SIGKILLed: ${pids.filter(alive).map(state).join('; ')}`);
    });
  }, 240_000);

  it('stops cleanly on SIGTERM and says so', async () => {
    const cli = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cli.ts'), '--dir', join(dir, 'cli2'), '--no-shoppers', '--replicas', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (d) => (out += d));
    await until(async () => out.includes('Ctrl-C stops everything'), 180_000);
    cli.kill('SIGTERM');
    const code = await new Promise((r) => cli.once('exit', r));
    expect(code).toBe(0);
    expect(out).toMatch(/stopped; no processes left behind/);
  }, 240_000);
});
