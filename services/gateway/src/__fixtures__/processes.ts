/**
 * Child processes for integration tests: stand-in replicas and the gateway itself (`src/main.ts`
 * under tsx), each started on 127.0.0.1 and awaited until it prints its listening line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StandInOptions } from './standIn.js';

const STAND_IN_MAIN = fileURLToPath(new URL('./standInMain.ts', import.meta.url));
const GATEWAY_MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
/** The real inference replica and the model builder, run as processes (not imported: the gateway does not depend on them). */
const REPLICA_MAIN = fileURLToPath(new URL('../../../inference/src/main.ts', import.meta.url));
const MODEL_BUILD = fileURLToPath(new URL('../../../inference/src/cli/model-build.ts', import.meta.url));
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

/** A real inference replica process (`services/inference/src/main.ts`) with the given environment (PORT defaults to 0). */
export function spawnReplica(env: Record<string, string>): Promise<Child> {
  return startChild(REPLICA_MAIN, { PORT: '0', GPU_POLL_MS: '0', LOG_LEVEL: 'warn', ...env }, /replica \S+ listening on (http:\/\/127\.0\.0\.1:\d+)/, `replica ${env.REPLICA_ID ?? 'r0'}`);
}

/** Builds and publishes a small model with `model:build` into `registry`; rejects with its output when it fails. */
export function buildModelProcess(registry: string, args: string[] = ['--items', '2000', '--users', '800', '--version', 'v1']): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MODEL_BUILD, '--registry', registry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`model:build exited with ${code}:\n${output}`))));
  });
}
