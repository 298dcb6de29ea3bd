/**
 * Child processes for integration tests: stand-in replicas and the gateway itself (`src/main.ts`
 * under tsx), each started on 127.0.0.1 and awaited until it prints its listening line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StandInOptions } from './standIn.js';

const STAND_IN_MAIN = fileURLToPath(new URL('./standInMain.ts', import.meta.url));
const GATEWAY_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** stdout + stderr so far, for failure messages. */
  output(): string;
  /** Sends a signal and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

function startChild(script: string, env: Record<string, string>, pattern: RegExp, label: string, ipc = false): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        const url = match[1];
        resolve({
          process: child,
          url,
          port: Number(new URL(url).port),
          output: () => output,
          kill: async (signal: NodeJS.Signals = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited early (code ${code}, signal ${signal}):\n${output}`));
    });
  });
}

export function spawnStandIn(options: StandInOptions): Promise<Child> {
  return startChild(STAND_IN_MAIN, { STAND_IN_OPTIONS: JSON.stringify(options) }, /stand-in listening on (http:\/\/127\.0\.0\.1:\d+)/, `stand-in ${options.id}`);
}

/** With `ipc`, the gateway is started the way a supervisor starts it: over an IPC channel it watches. */
export function spawnGateway(config: Record<string, unknown>, options: { ipc?: boolean } = {}): Promise<Child> {
  return startChild(GATEWAY_MAIN, { GATEWAY_CONFIG: JSON.stringify(config) }, /gateway listening on (http:\/\/127\.0\.0\.1:\d+)/, 'gateway', options.ipc);
}
