/**
 * Hardening of the controller's HTTP surface, in-process over real HTTP (issue #21): a malformed
 * request-target is a 400 (never a 500 or a stack trace in the log), every refused request (401 and
 * 403) is in the audit log with who, what, when and from where, the report is served with a policy
 * that runs no script and with nosniff, and fuzzed API bodies and query strings only ever get a
 * field-named 4xx.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@drillbook/contracts';
import { defaultConfig } from '../config/load.js';
import type { ControllerConfig } from '../config/types.js';
import { startController, type RunningController } from '../Controller.js';
import { api } from '../__fixtures__/api.js';
import { gatewayText, metricsServer, replicaText, type MetricsServer } from '../../catalogue/__fixtures__/metricsServer.js';
import { drillRecord } from '../../store/__fixtures__/storeContract.js';
import { computeScorecard } from '../../scorecard/compute.js';
import { fakeJournal, fakeLoad, fakeRunbook, PHASES } from '../../scorecard/__fixtures__/factories.js';

const RUNBOOKS = fileURLToPath(new URL('../__fixtures__/runbooks', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'drillbook-hardening-'));
let gw: MetricsServer;
let r0: MetricsServer;
let ctl: RunningController;
let http: ReturnType<typeof api>;
const logs: string[] = [];

// A valid runbook (rates within 100,000 req/s) whose 6,000 req/s the built-in engine cannot schedule.
const EXTRA = join(dir, 'runbooks');
mkdirSync(EXTRA);
writeFileSync(
  join(EXTRA, 'too-fast.yaml'),
  readFileSync(join(RUNBOOKS, 'latency-blip.yaml'), 'utf8').replace('name: latency-blip', 'name: too-fast').replace('rate: 15\n', 'rate: 6000\n').replace('quick: { rate: 15,', 'quick: { rate: 6000,'),
);

function config(): ControllerConfig {
  const base = defaultConfig();
  return {
    ...base,
    dataDir: join(dir, 'c'),
    runbooks: [RUNBOOKS, EXTRA],
    refreshIntervalS: 1,
    loadEngine: 'builtin',
    services: [
      { id: 'recsys-reference', title: 'Stand-in', owner: 'team-test', tags: [], gateway: { url: gw.url, adminToken: 'adm' }, replicas: [{ id: 'r0', zone: 'zone-a', url: r0.url }], prometheus: { replicaSelector: 'job="recsys-replica"' }, gpu: {} },
    ],
  };
}

beforeAll(async () => {
  [gw, r0] = await Promise.all([metricsServer(), metricsServer()]);
  gw.set(gatewayText({ ok: 100, failed: 0 }));
  r0.set(replicaText({ version: 'v7' }));
  r0.ready(200, 'v7');
  ctl = await startController(config(), { port: 0, env: { DRILLBOOK_TOKENS: 'v:viewer,o:operator,a:admin' }, log: (l) => logs.push(l) });
  http = api(ctl.url);
});

afterAll(async () => {
  await ctl?.stop();
  await Promise.all([gw?.close(), r0?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Sends a raw request line (what fetch would refuse to send) and returns the status and body. */
function raw(requestTarget: string, headers = ''): Promise<{ status: number; text: string }> {
  const { port } = new URL(ctl.url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), '127.0.0.1', () => sock.write(`GET ${requestTarget} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`));
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (buf += d));
    sock.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 ([0-9]{3})/.exec(buf)?.[1] ?? 0), text: buf.split('\r\n\r\n').slice(1).join('\r\n\r\n') }));
    sock.on('error', reject);
  });
}

const noStackInLogs = () => expect(logs.filter((l) => /\n\s+at |TypeError|Invalid URL/.test(l))).toEqual([]);

async function auditRows(): Promise<AuditEntry[]> {
  return (await http.get<{ items: AuditEntry[] }>('/audit?limit=1000', 'a')).body.items;
}

describe('controller hardening', () => {
  it.each([['//[/api/v1/me'], ['http://[/x'], ['http://127.0.0.1:99999/api/v1/me'], ['http://[::1/api/v1/me']])('answers a malformed request-target %s with 400, not 500, and logs no stack trace', async (target) => {
    const r = await raw(target);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({ error: 'malformed request-target', field: '(request-target)' });
    noStackInLogs();
  });

  it('reads an origin-form target that starts with // as a path, not a host', async () => {
    expect((await raw('//api/v1/me')).status).toBe(404);
    expect((await raw('/api/v1/me', 'Authorization: Bearer v\r\n')).status).toBe(200);
  });

  it('audits every 401 with "anonymous", the action, the time and the peer address', async () => {
    const before = new Date().toISOString();
    const attempts: Array<[string, string, Record<string, string>, string]> = [
      ['POST', '/api/v1/drills', {}, 'drill.start'],
      ['POST', '/api/v1/drills', { authorization: 'Bearer not-a-token' }, 'drill.start'],
      ['POST', '/api/v1/drills/some-id/abort', { authorization: 'Basic dXNlcjpwdw==' }, 'drill.abort'],
      ['POST', '/api/v1/emergency-stop', { authorization: 'Bearer' }, 'emergency-stop.engage'],
      ['DELETE', '/api/v1/emergency-stop', {}, 'emergency-stop.release'],
      ['GET', '/api/v1/me', { authorization: 'Bearer nope' }, 'GET /api/v1/me'],
    ];
    for (const [method, path, headers] of attempts) {
      const res = await fetch(`${ctl.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: method === 'POST' ? '{"runbook":"latency-blip"}' : undefined });
      expect(res.status).toBe(401);
    }
    const rows = (await auditRows()).filter((r) => r.at >= before && r.subject === 'anonymous');
    expect(rows).toHaveLength(attempts.length);
    for (const [, path, headers, action] of attempts) {
      const row = rows.find((r) => r.action === action && r.target === path && r.detail?.includes(headers.authorization === undefined ? 'missing bearer token' : /^Bearer \S+$/.test(headers.authorization) ? 'unknown bearer token' : 'malformed Authorization header'));
      expect(row, `${action} ${path} ${JSON.stringify(headers)}`).toMatchObject({ role: 'none', outcome: 'denied', remote: expect.stringMatching(/127\.0\.0\.1/) });
    }
  });

  it('audits a 403 once, including the audit-log read of a viewer', async () => {
    const before = new Date().toISOString();
    expect((await http.get('/audit', 'v')).status).toBe(403);
    expect((await http.post('/emergency-stop', 'v', {})).status).toBe(403);
    const rows = (await auditRows()).filter((r) => r.at >= before && r.outcome === 'denied');
    expect(rows.map((r) => r.action).sort()).toEqual(['audit.read', 'emergency-stop.engage']);
    expect(rows.every((r) => r.subject.startsWith('env:viewer') && r.role === 'viewer')).toBe(true);
  });

  it('serves the report with a script-src none policy, no inline script, and nosniff', async () => {
    const { load, outcome } = fakeLoad(PHASES());
    const rb = fakeRunbook([{ name: 'availability', sli: 'availability', op: '>=', target: 0.99 }]);
    const rec = drillRecord({ state: 'passed' });
    const sc = computeScorecard({ journal: fakeJournal({ drillId: rec.id }), load, outcome, runbook: rb, slo: { name: 'a', objective: 0.999, periodDays: 30 } });
    await ctl.app.store.insertDrill(rec);
    await ctl.app.store.saveScorecard(rec.id, sc);
    const res = await fetch(`${ctl.url}/api/v1/drills/${rec.id}/report`, { headers: { authorization: 'Bearer v' } });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline'[^;]*;?\s*$|script-src[^;]*unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toMatch(/<html/);
    expect(html).not.toMatch(/<script|\son[a-z]+=|javascript:/i);
  });
});

describe('plan admission over the API', () => {
  it('refuses with 422, before anything starts, a drill the built-in engine cannot schedule', async () => {
    const r = await http.post<{ error: string; field: string }>('/drills', 'o', { runbook: 'too-fast', quick: true });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ field: 'runbook', error: expect.stringMatching(/6,000 req\/s is more than the built-in load engine schedules \(at most 5,000 req\/s\)/) });
    expect((await http.get<{ items: unknown[] }>('/drills?limit=500', 'v')).body.items.filter((d) => (d as { runbook: string }).runbook === 'too-fast')).toEqual([]);
  });
});

describe('API body and query fuzz', () => {
  // Deterministic PRNG so a failure names a reproducible case.
  let seed = 2121;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const VALUES: unknown[] = [null, true, 0, -1, 1e308, -1e308, 1.5, '', 'x'.repeat(5000), 'latency-blip', [], [1, 2], {}, { a: { b: { c: 1 } } }, '1e308', 'NaN', 'Infinity', '../../etc/passwd', '<script>alert(1)</script>'];
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const FIELDS = ['runbook', 'service', 'quick', 'dryRun', 'reason', 'extra', '__proto__', 'constructor'];
  const bodies: string[] = [
    '', '{', '[]', 'null', '"x"', '1e308', 'NaN', '{"runbook": NaN}', '{"runbook": Infinity}', `${'['.repeat(30_000)}${']'.repeat(30_000)}`,
    `{"runbook":"latency-blip","reason":"${'y'.repeat(70_000)}"}`, '{"__proto__": {"admin": true}, "runbook": "latency-blip", "dryRun": true}',
  ];
  for (let i = 0; i < 120; i++) {
    const o: Record<string, unknown> = {};
    const n = Math.floor(rand() * 4);
    for (let j = 0; j < n; j++) o[pick(FIELDS)] = pick(VALUES);
    bodies.push(JSON.stringify(o));
  }
  const routes: Array<[string, string, string]> = [
    ['POST', '/api/v1/drills', 'o'],
    ['POST', '/api/v1/drills/unknown-drill/abort', 'o'],
    ['POST', '/api/v1/emergency-stop', 'v'],
  ];

  it('never answers 500 to a fuzzed body, and every refusal is JSON with an error', async () => {
    const statuses = new Map<number, number>();
    for (const [i, body] of bodies.entries()) {
      const [method, path, token] = routes[i % routes.length];
      const res = await fetch(`${ctl.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const text = await res.text();
      expect(res.status, `${method} ${path} ${body.slice(0, 200)}`).toBeLessThan(500);
      if (res.status >= 400) {
        const e = JSON.parse(text) as { error: string };
        expect(typeof e.error).toBe('string');
        expect(e.error).not.toMatch(/\n\s+at /);
      }
    }
    // The fuzzer reached the validators (400) and the handlers behind them.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(20);
    noStackInLogs();
  });

  it.each(['limit=1e308', 'limit=NaN', 'limit=-1', 'limit=Infinity', 'limit=1.5', 'limit=%zz', 'state=%00', 'service=' + 'a'.repeat(5000)])('refuses or answers the query %s without a 500', async (q) => {
    const res = await fetch(`${ctl.url}/api/v1/drills?${q}`, { headers: { authorization: 'Bearer v' } });
    expect(res.status === 200 || res.status === 400).toBe(true);
    if (res.status === 400) expect(((await res.json()) as { field?: string }).field).toBeTruthy();
  });
});
