/**
 * Runs the real controller (`drillbook serve`) as a child process for integration tests: waits for
 * its "listening on" line, keeps its output for failure messages, and stops it with a signal of
 * the test's choosing (SIGTERM for a clean stop, SIGKILL for a crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/drillbook.js', import.meta.url));

export interface ControllerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export async function startControllerProcess(opts: { config?: string; tokens: string; timeoutMs?: number; env?: Record<string, string>; nodeArgs?: string[] }): Promise<ControllerProcess> {
  const args = [...(opts.nodeArgs ?? []), BIN, 'serve', '--port', '0', ...(opts.config ? ['--config', opts.config] : [])];
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...opts.env, DRILLBOOK_TOKENS: opts.tokens }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`controller not listening within ${(opts.timeoutMs ?? 180_000) / 1000}s:\n${lines.slice(-30).join('\n')}`)), opts.timeoutMs ?? 180_000);
    for (const s of [child.stdout!, child.stderr!]) {
      let buf = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => {
        buf += d;
        const parts = buf.split('\n');
        buf = parts.pop() ?? '';
        for (const l of parts) {
          lines.push(l);
          const m = /drillbook controller listening on (http:\/\/\S+)/.exec(l);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        }
      });
    }
    void exited.then((c) => {
      clearTimeout(timer);
      reject(new Error(`controller exited (${c}) before listening:\n${lines.slice(-30).join('\n')}`));
    });
  });
  return {
    url,
    child,
    output: () => lines.join('\n'),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The faults active on a stack's replicas, as `type@replica#id`, read from their admin API. */
export async function faultsOnReplicas(stack: { info: { adminToken: string; replicas: Array<{ id: string; url: string }> } }): Promise<string[]> {
  const out: string[] = [];
  for (const r of stack.info.replicas) {
    const res = await fetch(`${r.url}/admin/faults`, { headers: { authorization: `Bearer ${stack.info.adminToken}` } });
    const body = (await res.json()) as { faults: Array<{ id: string; type: string }> };
    out.push(...body.faults.map((f) => `${f.type}@${r.id}#${f.id}`));
  }
  return out;
}

/** A controller config (YAML) for one service on an embedded stack, on PostgreSQL, with the built-in load engine. */
export function stackControllerConfig(o: {
  dataDir: string;
  databaseUrl: string;
  runbooks: string;
  refreshIntervalS: number;
  title: string;
  stack: { info: { gatewayUrl: string; adminToken: string; sessionsFile: string } };
  controlUrl: string;
}): string {
  const { info } = o.stack;
  return [
    `dataDir: ${o.dataDir}`,
    `database: { url: "${o.databaseUrl}" }`,
    `runbooks: [${o.runbooks}]`,
    'loadEngine: builtin',
    `refreshIntervalS: ${o.refreshIntervalS}`,
    'services:',
    '  - id: recsys-reference',
    `    title: ${o.title}`,
    '    owner: team-drillbook',
    `    gateway: { url: "${info.gatewayUrl}", adminToken: "${info.adminToken}", controlUrl: "${o.controlUrl}", sessionsFile: "${info.sessionsFile}" }`,
    '',
  ].join('\n');
}
