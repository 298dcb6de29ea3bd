/**
 * Starts the REAL drill controller (`drillbook serve`, services/drill-controller) for the harness:
 * `node bin/drillbook.js serve --port 0` with `DRILLBOOK_TOKENS`, waiting for its
 * "drillbook controller listening on <url>" line. Without a config it starts the embedded
 * reference stack (replicas, gateway, background shoppers) itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../../..');
const LISTENING = /drillbook controller listening on (http:\/\/\S+)/;

export interface RealController {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

export async function startRealController(tokens: Record<string, 'viewer' | 'operator' | 'admin' | 'approver'>, timeoutMs = 240_000, config?: string): Promise<RealController> {
  const bin = process.env.DRILLBOOK_CONTROLLER_BIN ?? resolve(repoRoot, 'services/drill-controller/bin/drillbook.js');
  if (!existsSync(bin)) {
    throw new Error(`drill controller not found at ${bin} (install the repository root, or set DRILLBOOK_CONTROLLER_BIN)`);
  }
  const env = { ...process.env, DRILLBOOK_TOKENS: Object.entries(tokens).map(([t, r]) => `${t}:${r}`).join(',') };
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...(config ? ['--config', config] : [])], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => done(new Error(`drillbook serve did not report listening within ${timeoutMs / 1000} s`)), timeoutMs);
    const done = (err: Error | null, value?: string) => {
      clearTimeout(timer);
      if (err) {
        child.kill('SIGTERM');
        err.message += `\n--- controller output (last lines) ---\n${lines.slice(-25).join('\n')}`;
        fail(err);
      } else {
        ok(value!);
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          lines.push(line);
          const m = LISTENING.exec(line);
          if (m) {
            done(null, m[1].replace(/\/$/, ''));
          }
        }
      });
    }
    child.once('exit', (code, signal) => done(new Error(`drillbook serve exited (${signal ?? `code ${code}`}) before listening`)));
  });
  return {
    url,
    output: () => lines.join('\n'),
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          r();
          return;
        }
        const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.once('exit', () => {
          clearTimeout(kill);
          r();
        });
        child.kill('SIGTERM');
      }),
  };
}
