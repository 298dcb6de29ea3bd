/**
 * The provider interface against real components: a real fault proxy (services/proxy) in front of a
 * real node:http upstream, real processes signalled through /proc. Undo runs from the journal alone
 * (as crash recovery does), runbook problems are located, and fuzzed provider configs give located
 * errors, never a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DrillJournal, InjectedFault } from '@drillbook/contracts';
import { FaultProxy, parseConfig } from '@drillbook/proxy';
import { stringify } from 'yaml';
import { InvalidRunbook } from '../errors.js';
import { journalOnlyTarget, undoDrill } from '../engine/undo.js';
import { buildPlan, formatPlan } from '../runbook/plan.js';
import { loadRunbook, parseRunbook } from '../runbook/validate.js';
import { proofStep } from '../scorecard/steps/proof.js';
import { ProcessProvider, ProxyProvider, procState, pidAlive, systemdRunning } from './index.js';

const TOKEN = 'proxy-admin-token-1';
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

function journal(faults: InjectedFault[]): DrillJournal {
  return {
    schemaVersion: 1,
    drillId: 'd-test',
    runbook: { name: 'x', title: 'x', sha256: '0' },
    service: 'svc',
    target: { url: 'http://127.0.0.1:1', embedded: false, replicas: [] },
    status: 'running',
    dryRun: false,
    startedAt: new Date().toISOString(),
    modelVersion: null,
    activities: [],
    faults,
    faultEvidence: [],
  };
}

const noTarget = { replicas: [], api: { clearFault: async () => [], cancelCanary: async () => false } };

describe('proxy provider (a real drillbook proxy)', () => {
  let upstream: Server;
  let proxy: FaultProxy;
  let url: string;
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ items: [{ itemId: 'i-1', score: 2 }, { itemId: 'i-2', score: 1 }] }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const port = (upstream.address() as { port: number }).port;
    proxy = new FaultProxy(parseConfig({ upstream: `http://127.0.0.1:${port}`, adminToken: TOKEN }), () => {});
    url = (await proxy.start()).url;
  });
  afterAll(async () => {
    await proxy.stop(100);
    upstream.close();
  });

  it('injects with a TTL, counts the requests it acted on, and undo from the journal alone clears it and journals that count as proof', async () => {
    const p = new ProxyProvider({ adminUrl: `${url}/admin`, token: TOKEN });
    const inj = await p.inject({ type: 'error', status: 503, match: { pathPrefix: '/v1/recommend' } }, 30_000);
    expect(inj.evidence[0]).toMatch(/^proxy lists error fault \S+ active/);
    for (let i = 0; i < 3; i++) expect((await fetch(`${url}/v1/recommend`, { method: 'POST', body: '{}' })).status).toBe(503);
    expect((await fetch(`${url}/other`)).status).toBe(200); // not matched, not counted
    expect(await p.listActive()).toMatchObject([{ id: inj.id, type: 'error', applied: 3 }]);
    // Crash recovery: nothing but the journal and the token's environment variable.
    process.env.TEST_PROXY_TOKEN = TOKEN;
    const j = journal([{ id: inj.id, step: 'fail it', replica: 'proxy', type: 'proxy.error', ttlMs: 30_000, injectedAt: new Date().toISOString(), provider: { kind: 'proxy', adminUrl: `${url}/admin`, adminTokenEnv: 'TEST_PROXY_TOKEN' } }]);
    const r = await undoDrill(j, noTarget, 'abort', (f, patch) => Object.assign(f, patch));
    expect(r.cleared).toEqual(['proxy.error@proxy']);
    expect(j.faults[0]).toMatchObject({ clearedBy: 'abort' });
    expect(j.faultEvidence).toMatchObject([{ signal: 'fault:fail it', detail: `proxy applied fault ${inj.id} to 3 request(s)` }]);
    expect(await p.listActive()).toEqual([]);
    expect((await fetch(`${url}/v1/recommend`, { method: 'POST', body: '{}' })).status).toBe(200);
    // The scorecard's proof takes the proxy's count like a replica's evidence.
    const proof = proofStep(j, null, []);
    expect(proof.unproven).toEqual([]);
    expect(proof.proof.faultObserved.ok).toBe(true);
  });

  it('a fault that matched no request proves nothing, and its count is still read after it expired (from the proxy counter)', async () => {
    const p = new ProxyProvider({ adminUrl: `${url}/admin`, token: TOKEN });
    const unused = await p.inject({ type: 'latency', delay: { distribution: 'fixed', ms: 1 }, match: { pathPrefix: '/nothing' } }, 30_000);
    const short = await p.inject({ type: 'corrupt', mode: 'empty', format: 'drillbook' }, 300);
    const body = (await (await fetch(`${url}/v1/recommend`, { method: 'POST', body: '{}' })).json()) as { items: unknown[] };
    expect(body.items).toEqual([]);
    await new Promise((r) => setTimeout(r, 500)); // the corrupt fault expires at the proxy
    process.env.TEST_PROXY_TOKEN = TOKEN;
    const ref = { kind: 'proxy' as const, adminUrl: `${url}/admin`, adminTokenEnv: 'TEST_PROXY_TOKEN' };
    const at = new Date(Date.now() - 400).toISOString();
    const j = journal([
      { id: unused.id, step: 'unused', replica: 'proxy', type: 'proxy.latency', ttlMs: 30_000, injectedAt: at, provider: ref },
      { id: short.id, step: 'short', replica: 'proxy', type: 'proxy.corrupt', ttlMs: 300, injectedAt: at, provider: ref },
    ]);
    await undoDrill(j, noTarget, 'rollback', (f, patch) => Object.assign(f, patch));
    expect(j.faults.map((f) => f.clearedBy)).toEqual(['rollback', 'ttl']);
    expect(j.faultEvidence).toEqual([
      expect.objectContaining({ signal: 'clear:unused', detail: `proxy applied fault ${unused.id} to 0 request(s)` }),
      expect.objectContaining({ signal: 'fault:short', detail: `proxy applied fault ${short.id} to 1 request(s) (it had already expired)` }),
    ]);
    expect(proofStep(j, null, []).unproven).toEqual(['unused']);
  });

  it('a wrong token or a wrong admin URL is a clear error, not a crash', async () => {
    await expect(new ProxyProvider({ adminUrl: `${url}/admin`, token: 'wrong-token-x' }).inject({ type: 'reset' }, 1000)).rejects.toThrow(/answered 401: is the admin token right\?/);
    await expect(new ProxyProvider({ adminUrl: `${url}/nope`, token: TOKEN }).inject({ type: 'reset' }, 1000)).rejects.toThrow(/no fault API at/);
    await expect(new ProxyProvider({ adminUrl: 'http://127.0.0.1:1/admin', token: TOKEN }).listActive()).rejects.toThrow(/unreachable/);
  });
});

describe('process provider (real processes)', () => {
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-proc-'));
  const sleeper = (tag: string) => {
    const c = spawn('sleep', ['300'], { stdio: 'ignore', argv0: `sleep-${tag}` });
    children.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of children.splice(0)) {
      try {
        process.kill(c.pid!, 'SIGCONT');
      } catch {
        /* gone */
      }
      c.kill('SIGKILL');
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a process that is not on the allow-list, before any signal', async () => {
    const p = new ProcessProvider({ allow: [{ name: 'model-server', pidFile: join(dir, 'none.pid') }] });
    await expect(p.inject({ name: 'postgres', action: 'kill' })).rejects.toThrow('process "postgres" is not in target.providers.process.allow (allowed: model-server): refused');
  });

  it('SIGSTOP is evidenced by the /proc state and undone with SIGCONT by undo from the journal alone', async () => {
    const c = sleeper('a');
    const pidFile = join(dir, 'a.pid');
    writeFileSync(pidFile, `${c.pid}\n`);
    const p = new ProcessProvider({ allow: [{ name: 'model-server', pidFile }] });
    const r = await p.inject({ name: 'model-server', action: 'pause' });
    expect(r.id).toBe(`pause:model-server:${c.pid}`);
    expect(r.evidence[0]).toMatch(new RegExp(`^model-server: process ${c.pid} stopped \\(SIGSTOP, /proc state T\\)`));
    expect(procState(c.pid!)).toBe('T');
    expect(await p.listActive()).toEqual([{ id: r.id, type: 'process.pause', remainingMs: null }]);
    const j = journal([{ id: r.id, step: 'pause it', replica: 'model-server', type: 'process.pause', ttlMs: null, injectedAt: new Date().toISOString(), provider: { kind: 'process', name: 'model-server', pid: c.pid!, action: 'pause' } }]);
    const u = await undoDrill(j, noTarget, 'abort', (f, patch) => Object.assign(f, patch));
    expect(u.cleared).toEqual(['process.pause@model-server']);
    expect(procState(c.pid!)).not.toBe('T');
    expect(j.faults[0].clearedBy).toBe('abort');
    // Twice is not an error: the process is no longer stopped.
    const again = await undoDrill(journal([{ ...j.faults[0], clearedAt: undefined }]), noTarget, 'abort', () => {});
    expect(again.cleared).toEqual([]);
  });

  it('crash recovery without the target still continues a stopped process, and leaves replica faults to their TTL', async () => {
    const c = sleeper('r');
    const pidFile = join(dir, 'r.pid');
    writeFileSync(pidFile, `${c.pid}`);
    const r = await new ProcessProvider({ allow: [{ name: 'ranker', pidFile }] }).inject({ name: 'ranker', action: 'pause' });
    const at = new Date().toISOString();
    const j = journal([
      { id: 'f-1', step: 'slow replica', replica: 'r0', type: 'latency', ttlMs: 60_000, injectedAt: at, provider: { kind: 'replica' } },
      { id: r.id, step: 'pause', replica: 'ranker', type: 'process.pause', ttlMs: null, injectedAt: at, provider: { kind: 'process', name: 'ranker', pid: c.pid!, action: 'pause' } },
    ]);
    const u = await undoDrill(j, journalOnlyTarget(), 'abort', (f, patch) => Object.assign(f, patch), { providersOnly: true });
    expect(u.cleared).toEqual(['process.pause@ranker']);
    expect(procState(c.pid!)).not.toBe('T');
    expect(j.faults[0].clearedAt).toBeUndefined();
  });

  it('SIGKILL by pid file: the pid gone; with readyUrl and nothing restarting it, the step reports the problem', async () => {
    const c = sleeper('b');
    const pidFile = join(dir, 'b.pid');
    writeFileSync(pidFile, `${c.pid}`);
    const p = new ProcessProvider({ allow: [{ name: 'worker', pidFile, readyUrl: 'http://127.0.0.1:1/readyz' }] });
    const r = await p.inject({ name: 'worker', action: 'kill', withinMs: 800 });
    expect(r.evidence[0]).toBe(`worker: process ${c.pid} gone after SIGKILL`);
    expect(pidAlive(c.pid!)).toBe(false);
    expect(r.problem).toBe('worker: no new process within the wait (nothing restarted it)');
  });

  it('restart with a declared restart command: SIGTERM, then a new pid', async () => {
    const c = sleeper('c');
    const pidFile = join(dir, 'c.pid');
    writeFileSync(pidFile, `${c.pid}`);
    const p = new ProcessProvider({ allow: [{ name: 'svc', pidFile, restartCommand: ['bash', '-c', `sleep 300 & echo $! > ${pidFile}`] }] });
    const r = await p.inject({ name: 'svc', action: 'restart', withinMs: 5000 });
    expect(r.problem).toBeUndefined();
    const fresh = Number(/new pid ([0-9]+)/.exec(r.evidence.join('\n'))![1]);
    expect(fresh).not.toBe(c.pid);
    expect(pidAlive(fresh)).toBe(true);
    process.kill(fresh, 'SIGKILL');
  });

  it('selects by command line only when exactly one process matches', async () => {
    const marker = `drillbook-test-marker-${process.pid}`;
    const p = new ProcessProvider({ allow: [{ name: 'm', commandMatch: marker }] });
    await expect(p.resolve('m')).rejects.toThrow(`target.providers.process.allow[0].commandMatch: 0 processes match "${marker}"; it must select exactly one`);
    const one = spawn('bash', ['-c', `exec -a ${marker} sleep 300`], { stdio: 'ignore' });
    children.push(one);
    await new Promise((r) => setTimeout(r, 200));
    expect(await p.resolve('m')).toBe(one.pid);
    const two = spawn('bash', ['-c', `exec -a ${marker} sleep 300`], { stdio: 'ignore' });
    children.push(two);
    await new Promise((r) => setTimeout(r, 200));
    await expect(p.resolve('m')).rejects.toThrow(/2 processes match/);
  });

  it('a systemd unit where systemd is not running is refused with a clear error', async () => {
    const p = new ProcessProvider({ allow: [{ name: 'triton', systemdUnit: 'triton.service' }] });
    if (systemdRunning()) return; // this host runs systemd: the refusal cannot be shown here
    await expect(p.inject({ name: 'triton', action: 'kill' })).rejects.toThrow('target.providers.process.allow[0].systemdUnit: systemd is not running on this host (no /run/systemd/system): cannot act on triton.service');
  });

  it('a pid file naming a dead process or holding garbage is an error naming the field', async () => {
    writeFileSync(join(dir, 'bad.pid'), 'hello');
    const p = new ProcessProvider({ allow: [{ name: 'x', pidFile: join(dir, 'bad.pid') }, { name: 'y', pidFile: '${DRILLBOOK_TEST_UNSET_VAR}/y.pid' }] });
    await expect(p.resolve('x')).rejects.toThrow(/allow\[0\]\.pidFile: .* does not hold a pid \(got "hello"\)/);
    await expect(p.resolve('y')).rejects.toThrow('target.providers.process.allow[1].pidFile: environment variable DRILLBOOK_TEST_UNSET_VAR is not set');
  });
});

const base = {
  apiVersion: 'drillbook.dev/v1',
  kind: 'Runbook',
  metadata: { name: 'p', title: 'p', owner: 'o' },
  target: { service: 'svc', providers: { proxy: { adminUrl: 'http://127.0.0.1:9/admin', adminTokenEnv: 'T' }, process: { allow: [{ name: 'model-server', pidFile: '/run/m.pid' }] } } },
  hypothesis: 'a hypothesis long enough',
  load: { profile: 'smoke', rate: 1, phases: { baseline: '1s', fault: '1s', recovery: '1s' } },
  objectives: [{ name: 'a', sli: 'availability', op: '>=', target: 0.9 }],
  guardrails: { maxDuration: '1m', blastRadius: { maxReplicas: 1 } },
  steps: [
    { kind: 'proxy.fault', name: 'slow', fault: { type: 'latency', delay: { distribution: 'fixed', ms: 100 } }, ttl: '30s' },
    { kind: 'host.process', name: 'pause', process: 'model-server', action: 'pause' },
  ],
  rollback: [{ kind: 'host.process', name: 'resume', process: 'model-server', action: 'resume' }],
};

function problems(doc: unknown): Array<{ line: number; path: string; message: string }> {
  try {
    parseRunbook(stringify(doc), 'rb.yaml');
    return [];
  } catch (e) {
    if (!(e instanceof InvalidRunbook)) throw e;
    if (!e.problems.length) throw new Error('invalid, but no located problem');
    return e.problems;
  }
}
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('runbook target.providers and provider steps', () => {
  it('accepts the base runbook; the dry-run plan marks the SIGSTOP as unable to expire and the proxy fault with its TTL', () => {
    expect(problems(base)).toEqual([]);
    const text = formatPlan(buildPlan(parseRunbook(stringify(base), 'rb.yaml'), { quick: false, engine: 'builtin' }));
    expect(text).toContain('slow: fault proxy: add 100ms latency to requests, expires by itself after 30s -> fault proxy');
    expect(text).toContain('pause: SIGSTOP process "model-server" (allow-listed) [CANNOT EXPIRE by itself] (SIGCONT by a resume step or the rollback) -> process:model-server');
    expect(text).not.toMatch(/resume: .*CANNOT EXPIRE/);
    // The runner's kill in the reference suite is marked too, on a line of its own under the action.
    const ref = formatPlan(buildPlan(loadRunbook(join(REPO, 'runbooks', 'replica-loss.yaml')).runbook, { quick: true, engine: 'builtin' }));
    expect(ref).toMatch(/kill one replica: SIGKILL the process \(the supervisor restarts it\) -> r[0-2]\n {10}\[CANNOT EXPIRE by itself\] the supervisor restarts the process\n/);
  });

  it('locates a process outside the allow-list, a proxy step without a proxy, and a bad proxy fault field', () => {
    const a = clone(base) as any;
    a.steps[1].process = 'postgres';
    expect(problems(a)).toEqual([expect.objectContaining({ path: 'steps[1].process', message: 'process "postgres" is not in target.providers.process.allow (allowed: model-server)' })]);
    const b = clone(base) as any;
    delete b.target.providers.proxy;
    expect(problems(b)).toEqual([expect.objectContaining({ path: 'steps[0]', message: 'a proxy.fault step acts on the fault proxy: declare target.providers.proxy (adminUrl, adminTokenEnv)' })]);
    const c = clone(base) as any;
    c.steps[0].fault.delay.ms = -5;
    const pc = problems(c);
    expect(pc).toHaveLength(1);
    expect(pc[0].path).toBe('steps[0].fault.delay.ms');
    expect(pc[0].line).toBeGreaterThan(1);
    const d = clone(base) as any;
    d.steps[0].fault.ttlMs = 5;
    expect(problems(d)).toEqual([expect.objectContaining({ path: 'steps[0].fault.ttlMs', message: "ttlMs is filled in by the drill (the step's ttl, the drill id): remove it" })]);
    const e = clone(base) as any;
    e.target.providers.process.allow.push({ name: 'model-server', commandMatch: 'abc' });
    expect(problems(e)).toEqual([expect.objectContaining({ path: 'target.providers.process.allow[1].name' })]);
    const f = clone(base) as any;
    f.target.providers.process.allow[0] = { name: 'model-server', pidFile: '/x', systemdUnit: 'a.service' };
    expect(problems(f).length).toBeGreaterThan(0);
    expect(problems(f)).toEqual([expect.objectContaining({ path: 'target.providers.process.allow[0]', message: 'select the process by exactly one of pidFile, systemdUnit or commandMatch (got pidFile and systemdUnit)' })]);
  });

  it('fuzzed provider configs and provider steps give located errors, never a crash', () => {
    const values: unknown[] = [null, 0, -1, 1e400, 'x', '', '${', 'http://h', [], [1], {}, { a: 1 }, true, 'a'.repeat(5000)];
    const paths: Array<Array<string | number>> = [
      ['target', 'providers'],
      ['target', 'providers', 'proxy'],
      ['target', 'providers', 'proxy', 'adminUrl'],
      ['target', 'providers', 'proxy', 'adminTokenEnv'],
      ['target', 'providers', 'process'],
      ['target', 'providers', 'process', 'allow'],
      ['target', 'providers', 'process', 'allow', 0],
      ['target', 'providers', 'process', 'allow', 0, 'name'],
      ['target', 'providers', 'process', 'allow', 0, 'pidFile'],
      ['target', 'providers', 'process', 'allow', 0, 'restartCommand'],
      ['target', 'providers', 'process', 'allow', 0, 'readyUrl'],
      ['steps', 0, 'fault'],
      ['steps', 0, 'fault', 'type'],
      ['steps', 0, 'fault', 'delay'],
      ['steps', 0, 'fault', 'match'],
      ['steps', 0, 'ttl'],
      ['steps', 1, 'process'],
      ['steps', 1, 'action'],
      ['steps', 1, 'within'],
    ];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let i = 0; i < 300; i++) {
      const doc = clone(base) as any;
      const path = paths[rand(paths.length)];
      let o = doc;
      for (const k of path.slice(0, -1)) o = o[k];
      o[path[path.length - 1]] = values[rand(values.length)];
      const ps = problems(doc); // throws on anything but InvalidRunbook
      for (const p of ps) {
        expect(p.line).toBeGreaterThanOrEqual(1);
        expect(p.message.length).toBeGreaterThan(0);
        expect(p.message).not.toMatch(/at .*\.ts:[0-9]+/); // no stack trace
      }
    }
  });
});
