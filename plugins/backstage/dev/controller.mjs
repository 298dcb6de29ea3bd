// Starts the REAL drill controller (`drillbook serve`) for the dev app and the browser test.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const defaultControllerBin = process.env.DRILLBOOK_CONTROLLER_BIN ?? fileURLToPath(new URL('../../../services/drill-controller/bin/drillbook.js', import.meta.url));
const LISTENING = /drillbook controller listening on (http:\/\/[^\s]+)/;

export class ControllerNotFound extends Error {
  constructor(bin) {
    super(`controller not found at ${bin} (build services/drill-controller, or set DRILLBOOK_CONTROLLER_URL to a running controller)`);
    this.name = 'ControllerNotFound';
  }
}

/**
 * Runs `node <bin> serve --port 0 [--config FILE]` with `DRILLBOOK_TOKENS` set, waits for its
 * "drillbook controller listening on <url>" line and returns the URL. With no targets configured
 * the controller starts the embedded reference stack itself, which can take a while.
 * It runs in a fresh working directory, so its state (`.drillbook/controller`: drills, reports)
 * is its own and is removed on stop; runbooks and SLO specs still come from the repository.
 * @param {{ bin?: string, config?: string, tokens: Record<string, 'viewer'|'operator'|'admin'>, timeoutMs?: number, log?: (line: string) => void }} options
 */
export async function startController({ bin = defaultControllerBin, config, tokens, timeoutMs = 180_000, log = () => {} }) {
  if (!existsSync(bin)) throw new ControllerNotFound(bin);
  const args = [bin, 'serve', '--port', '0', ...(config ? ['--config', resolve(config)] : [])];
  const env = { ...process.env, DRILLBOOK_TOKENS: Object.entries(tokens).map(([t, role]) => `${t}:${role}`).join(',') };
  const workDir = mkdtempSync(join(tmpdir(), 'drillbook-backstage-controller-'));
  const child = spawn(process.execPath, args, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.once('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const output = [];
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the controller did not report "drillbook controller listening on ..." within ${timeoutMs / 1000}s`)), timeoutMs);
    function fail(error) {
      clearTimeout(timer);
      child.kill('SIGTERM');
      error.message += `\n--- controller output (last lines) ---\n${output.slice(-30).join('\n')}`;
      reject(error);
    }
    function onLine(line) {
      output.push(line);
      log(line);
      const match = LISTENING.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ''));
      }
    }
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', chunk => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`the controller exited (${signal ?? `code ${code}`}) before it was listening: node ${args.join(' ')}`)));
  });
  return {
    url,
    output: () => output.join('\n'),
    stop: () =>
      new Promise(resolve => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
