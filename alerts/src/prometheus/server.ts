/**
 * Starts a real Prometheus (Debian's `/usr/bin/prometheus`, or $PROMETHEUS) on 127.0.0.1 with a
 * generated config, in its own temporary directory, and stops it cleanly. Used by the alert and
 * dashboard integration tests and by the embedded reference stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrometheusError } from '../errors.js';
import { PrometheusClient } from './client.js';
import { prometheusConfig, type PrometheusConfigOptions } from './config.js';
import { freePort } from './freePort.js';

export interface StartPrometheusOptions extends PrometheusConfigOptions {
  /** Prometheus binary (default $PROMETHEUS or `prometheus` on PATH). */
  binary?: string;
  /** Directory for config, data and log (default: a fresh temporary directory, removed on stop). */
  dir?: string;
  /** Keep the directory after stop (for debugging). */
  keepDir?: boolean;
  /** How long to wait for /-/ready (default 60 s: a loaded machine starts slowly). */
  readyTimeoutMs?: number;
  extraArgs?: readonly string[];
}

export interface RunningPrometheus {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  dir: string;
  client: PrometheusClient;
  /** Prometheus' own log so far. */
  log(): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); removes the directory unless kept. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_PORT_ATTEMPTS = 3;

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function tail(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join('\n');
}

export async function startPrometheus(opts: StartPrometheusOptions): Promise<RunningPrometheus> {
  const ownDir = !opts.dir;
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'drillbook-prometheus-')));
  const configFile = path.join(dir, 'prometheus.yml');
  const logFile = path.join(dir, 'prometheus.log');
  await writeFile(configFile, prometheusConfig(opts));
  const binary = opts.binary ?? process.env.PROMETHEUS ?? 'prometheus';
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await tryStart(binary, port, dir, configFile, logFile, opts);
      if (started.ok) {
        const { child } = started;
        const url = `http://127.0.0.1:${port}`;
        return {
          url,
          port,
          dir,
          client: new PrometheusClient(url),
          log: () => readFile(logFile, 'utf8'),
          stop: async (graceMs = 10_000) => {
            const done = exited(child);
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGTERM');
              const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
              await done;
              clearTimeout(timer);
            }
            if (ownDir && !opts.keepDir) await rm(dir, { recursive: true, force: true });
          },
        };
      }
      if (!started.portInUse || attempt >= MAX_PORT_ATTEMPTS) {
        throw new PrometheusError(`Prometheus did not start (${started.reason}); last log lines:\n${await tail(logFile)}`);
      }
    }
  } catch (err) {
    if (ownDir && !opts.keepDir) await rm(dir, { recursive: true, force: true });
    if (err instanceof PrometheusError) throw err;
    throw new PrometheusError(`could not start ${binary}`, { cause: err });
  }
}

type StartResult = { ok: true; child: ChildProcess } | { ok: false; reason: string; portInUse: boolean };

async function tryStart(
  binary: string,
  port: number,
  dir: string,
  configFile: string,
  logFile: string,
  opts: StartPrometheusOptions,
): Promise<StartResult> {
  const log = createWriteStream(logFile, { flags: 'a' });
  await new Promise((r) => log.once('open', r));
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--storage.tsdb.retention.time=1d',
      ...(opts.extraArgs ?? []),
    ],
    { stdio: ['ignore', log, log] },
  );
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const exit = exited(child).then((code) => ({ exited: true as const, code }));
  const client = new PrometheusClient(`http://127.0.0.1:${port}`);
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const outcome = await Promise.race([
        exit,
        spawnError.then((e) => ({ error: e })),
        new Promise<'tick'>((r) => setTimeout(() => r('tick'), 200)),
      ]);
      if (outcome !== 'tick' && 'error' in outcome) return { ok: false, reason: outcome.error.message, portInUse: false };
      if (outcome !== 'tick' && 'exited' in outcome) {
        const text = await readFile(logFile, 'utf8').catch(() => '');
        return { ok: false, reason: `exited with code ${outcome.code}`, portInUse: /address already in use/.test(text) };
      }
      if (await client.ready()) return { ok: true, child };
      if (Date.now() >= deadline) {
        child.kill('SIGKILL');
        await exit;
        return { ok: false, reason: `not ready after ${timeoutMs} ms`, portInUse: false };
      }
    }
  } finally {
    log.close();
  }
}
