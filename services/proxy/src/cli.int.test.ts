import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_FAULT_HEADER } from '@drillbook/contracts';
import { inject, json, request, startUpstream, type Upstream } from './__fixtures__/upstream.js';

const BIN = fileURLToPath(new URL('../../drill-controller/bin/drillbook.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function drillbook(args: string[]): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  return { child, out: () => out, err: () => err };
}

async function waitForUrl(p: ReturnType<typeof drillbook>, timeoutMs = 60_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const m = /proxy listening on (http:\/\/127\.0\.0\.1:[0-9]+)\n/.exec(p.out());
    if (m) return m[1];
    if (p.child.exitCode !== null) throw new Error(`drillbook proxy exited ${p.child.exitCode}: ${p.err()}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`no URL printed within ${timeoutMs} ms: ${p.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let up: Upstream;
beforeAll(async () => {
  up = await startUpstream();
});
afterAll(async () => {
  await up.close();
});

describe('drillbook proxy (the CLI)', () => {
  it('prints its URL once it listens, proxies, takes faults over its API, and exits 0 on SIGTERM', async () => {
    const p = drillbook(['proxy', '--upstream', up.url, '--listen', '127.0.0.1:0', '--admin-token', 'admin-token-1234']);
    try {
      const url = await waitForUrl(p);
      const r = await request(`${url}/v1/recommend`, { method: 'POST', body: '{}' });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body.toString()).items).toHaveLength(10);
      const f = await json(inject(url, { type: 'corrupt', ttlMs: 30_000, mode: 'empty' }));
      const c = await request(`${url}/v1/recommend`, { method: 'POST', body: '{}' });
      expect(JSON.parse(c.body.toString()).items).toEqual([]);
      expect(c.headers[PROXY_FAULT_HEADER]).toBe('corrupt');
      const metrics = await (await fetch(`${url}/admin/metrics`)).text();
      expect(metrics).toContain(`drillbook_proxy_faults_applied_total{fault="${f.id}",type="corrupt"} 1`);
      p.child.kill('SIGTERM');
      const [code] = await once(p.child, 'exit');
      expect(code).toBe(0);
      expect(p.err()).toMatch(/SIGTERM: stopping/);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });

  it('refuses bad options with exit code 2 and names the option', async () => {
    const p = drillbook(['proxy', '--upstream', 'ftp://x', '--listen', '127.0.0.1:0', '--admin-token', 'admin-token-1234']);
    const [code] = await once(p.child, 'exit');
    expect(code).toBe(2);
    expect(p.err()).toMatch(/upstream: expected an http:\/\/ or https:\/\/ URL/);
    expect(p.out()).toBe('');
  });

  it('refuses to start without an admin token (the fault API is never open)', async () => {
    const p = drillbook(['proxy', '--upstream', up.url, '--listen', '127.0.0.1:0']);
    const [code] = await once(p.child, 'exit');
    expect(code).toBe(2);
    expect(p.err()).toMatch(/admin-token: is required/);
  });
});
