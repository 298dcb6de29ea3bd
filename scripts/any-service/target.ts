/**
 * A recommender service Drillbook does not control, for `npm run example:any-service` and the
 * examples' integration test: two reference inference replicas started as plain processes with
 * their admin API OFF (no /admin/faults, no runner), a front door (the reference gateway, its own
 * process) in front of them, and `drillbook proxy` as a sidecar in front of replica a. Replica b runs
 * under a shell restart loop that writes its pid file (standing in for systemd or a container
 * runtime), so a process-kill drill sees the pid gone, a new pid and readiness regained.
 *
 *   load ──> front door ──> drillbook proxy ──> replica a (admin API off)
 *                      └──────────────────────> replica b (admin API off, restart loop, pid file)
 *
 * Every address is 127.0.0.1. `env` holds what the example runbooks read through ${...}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STACK_MODEL, ensureStackModel } from '@drillbook/stack';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const REPLICA_MAIN = join(REPO, 'services/inference/src/main.ts');
const GATEWAY_MAIN = join(REPO, 'services/gateway/src/main.ts');
const DRILLBOOK = join(REPO, 'services/drill-controller/bin/drillbook.js');
const START_TIMEOUT_MS = 90_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function waitReady(url: string, what: string, child: { exited: () => boolean; output: () => string }): Promise<void> {
  const end = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < end) {
    if (child.exited()) throw new Error(`${what} exited before it was ready:\n${child.output().slice(-3000)}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await r.text();
      if (r.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error(`${what} not ready at ${url} within ${START_TIMEOUT_MS / 1000}s:\n${child.output().slice(-3000)}`);
}

interface Proc {
  child: ChildProcess;
  exited: () => boolean;
  output: () => string;
  stop: () => Promise<void>;
}

function start(cmd: string, args: string[], env: Record<string, string>, listening?: RegExp): Promise<Proc & { url?: string }> {
  const child = spawn(cmd, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  const done = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-20_000)));
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-20_000)));
  const proc: Proc = {
    child,
    exited: () => exited,
    output: () => out,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      const t = setTimeout(() => !exited && child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(t);
    },
  };
  if (!listening) return Promise.resolve(proc);
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`${cmd} ${args.join(' ')} did not start within ${START_TIMEOUT_MS / 1000}s:\n${out}`));
    }, START_TIMEOUT_MS);
    const check = () => {
      const m = listening.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        res({ ...proc, url: m[1] });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${cmd} exited (${code}) before it listened:\n${out}`));
    });
  });
}

export interface ForeignService {
  dir: string;
  /** The front door (what `drillbook run --target` takes). */
  gatewayUrl: string;
  /** Bearer token of the front door's upstream list (how the drill engine finds the replicas). */
  gatewayToken: string;
  proxyUrl: string;
  proxyAdminUrl: string;
  replicaA: string;
  replicaB: string;
  /** The pid file replica b's restart loop writes. */
  pidFile: string;
  sessionsFile: string;
  /** What the example runbooks read: DRILLBOOK_PROXY_ADMIN_URL, DRILLBOOK_PROXY_ADMIN_TOKEN, MODEL_SERVER_PID_FILE, MODEL_SERVER_READY_URL. */
  env: Record<string, string>;
  /** (Re)start the front door with config overrides (mutations: `{retries: false}`, ...); replicas and proxy stay up. */
  restartGateway(overrides?: Record<string, unknown>, upstreams?: Array<'a' | 'b'>): Promise<void>;
  stop(): Promise<void>;
}

/** The front door's configuration: a 300 ms per-try deadline with retries, ejection and fallback (the service's defences). */
export const FRONT_DOOR_DEFAULTS = {
  requestTimeoutMs: 2500,
  tryTimeoutMs: 300,
  retries: true,
  ejection: true,
  fallback: true,
  balancer: 'p2c',
  popularRefreshMs: 1000,
  healthCheck: { intervalMs: 200, timeoutMs: 1000, unhealthyThreshold: 2, healthyThreshold: 2 },
};

export async function startForeignService(opts: { log?: (line: string) => void; modelCache?: string } = {}): Promise<ForeignService> {
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-any-service-'));
  const procs: Proc[] = [];
  let gateway: Proc | null = null;
  let loop: Proc | null = null;
  const stopFile = join(dir, 'stop');
  const pidFile = join(dir, 'model-server-b.pid');
  const stop = async () => {
    await gateway?.stop();
    // Replica b: tell the loop not to restart, then stop the server it runs, then the loop.
    writeFileSync(stopFile, '');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      try {
        process.kill(pid, 'SIGCONT');
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    await loop?.stop();
    for (const p of procs.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    log(`preparing the model (cached under .drillbook/model-cache)`);
    const model = await ensureStackModel(opts.modelCache ?? join(REPO, '.drillbook', 'model-cache'), DEFAULT_STACK_MODEL, log);
    const replicaEnv = (id: string, zone: string, port: number) => ({
      REPLICA_ID: id,
      REPLICA_ZONE: zone,
      HOST: '127.0.0.1',
      PORT: String(port),
      MODEL_REGISTRY: model.root,
      MODEL_PUBLIC_KEY_FILE: model.publicKeyFile,
      MODEL_VERSION: model.version,
      ADMIN_API: 'off',
      LOG_LEVEL: 'warn',
      GPU_POLL_MS: '0',
      ORT_THREADS: '1',
    });
    const [portA, portB] = [await freePort(), await freePort()];
    const replicaA = `http://127.0.0.1:${portA}`;
    const replicaB = `http://127.0.0.1:${portB}`;
    log(`starting replica a (${replicaA}) and replica b (${replicaB}, restart loop, pid file), admin API off`);
    const a = await start(process.execPath, ['--import', 'tsx', REPLICA_MAIN], replicaEnv('a', 'zone-a', portA));
    procs.push(a);
    // A restart loop, as systemd's Restart=always would do: it writes the server's pid on every start.
    const script = `while :; do "$NODE" --import tsx "$MAIN" & echo $! > "$PIDFILE"; wait $!; [ -e "$STOPFILE" ] && exit 0; sleep 0.3; done`;
    loop = await start('bash', ['-c', script], { ...replicaEnv('b', 'zone-b', portB), NODE: process.execPath, MAIN: REPLICA_MAIN, PIDFILE: pidFile, STOPFILE: stopFile });
    await waitReady(`${replicaA}/readyz`, 'replica a', a);
    await waitReady(`${replicaB}/readyz`, 'replica b', loop);
    const proxyToken = randomBytes(12).toString('hex');
    const proxy = await start(process.execPath, [DRILLBOOK, 'proxy', '--upstream', replicaA, '--listen', '127.0.0.1:0', '--admin-token', proxyToken], {}, /proxy listening on (http:\/\/[0-9.:]+)/);
    procs.push(proxy);
    const proxyUrl = proxy.url!;
    log(`drillbook proxy ${proxyUrl} in front of replica a`);
    const gatewayToken = randomBytes(12).toString('hex');
    const svc: ForeignService = {
      dir,
      gatewayUrl: '',
      gatewayToken,
      proxyUrl,
      proxyAdminUrl: `${proxyUrl}/admin`,
      replicaA,
      replicaB,
      pidFile,
      sessionsFile: model.sessionsFile,
      env: {
        DRILLBOOK_PROXY_ADMIN_URL: `${proxyUrl}/admin`,
        DRILLBOOK_PROXY_ADMIN_TOKEN: proxyToken,
        MODEL_SERVER_PID_FILE: pidFile,
        MODEL_SERVER_READY_URL: `${replicaB}/readyz`,
      },
      async restartGateway(overrides = {}, upstreams = ['a', 'b']) {
        await gateway?.stop();
        gateway = null;
        const all = { a: { id: 'r0', url: proxyUrl, zone: 'zone-a' }, b: { id: 'r1', url: replicaB, zone: 'zone-b' } };
        const config = { ...FRONT_DOOR_DEFAULTS, adminToken: gatewayToken, logLevel: 'warn', port: 0, upstreams: upstreams.map((u) => all[u]), ...overrides };
        const g = await start(process.execPath, ['--import', 'tsx', GATEWAY_MAIN], { GATEWAY_CONFIG: JSON.stringify(config) }, /gateway listening on (http:\/\/[0-9.:]+)/);
        gateway = g;
        svc.gatewayUrl = g.url!;
        await waitReady(`${g.url}/readyz`, 'front door', g);
        log(`front door ${g.url}${Object.keys(overrides).length ? ` (mutated: ${JSON.stringify(overrides)})` : ''}`);
      },
      stop,
    };
    await svc.restartGateway();
    mkdirSync(join(dir, 'drills'), { recursive: true });
    return svc;
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}

export interface DrillOutcome {
  file: string;
  exitCode: number;
  status: string;
  statusReason: string;
  proven: boolean;
  objectives: Array<{ name: string; status: string; value: number | null }>;
  evidence: string[];
  outDir: string;
  output: string;
}

/** `drillbook run <file> --quick --yes --target <front door>` with the service's env; reads back its scorecard. */
export async function runDrill(svc: ForeignService, file: string, name: string, outRoot = join(svc.dir, 'drills')): Promise<DrillOutcome> {
  const outDir = join(outRoot, name);
  const args = [DRILLBOOK, 'run', file, '--quick', '--yes', '--load', 'builtin', '--target', svc.gatewayUrl, '--admin-token', svc.gatewayToken, '--sessions', svc.sessionsFile, '--out', outDir];
  const p = await start(process.execPath, args, svc.env);
  const code = await new Promise<number>((res) => (p.exited() ? res(p.child.exitCode ?? 1) : p.child.once('exit', (c) => res(c ?? 1))));
  let sc: any = null;
  try {
    sc = JSON.parse(readFileSync(join(outDir, 'scorecard.json'), 'utf8'));
  } catch {
    sc = null;
  }
  return {
    file,
    exitCode: code,
    status: sc?.status ?? 'no-scorecard',
    statusReason: sc?.statusReason ?? p.output().slice(-2000),
    proven: !!sc?.proof?.faultObserved?.ok,
    objectives: (sc?.objectives ?? []).map((o: any) => ({ name: o.name, status: o.verdict, value: o.measured ?? null })),
    evidence: sc?.proof?.faultObserved?.evidence ?? [],
    outDir,
    output: p.output(),
  };
}
