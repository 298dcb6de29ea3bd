/** Test factories: a small signed registry and in-process replicas on port 0. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildModel, type BuildResult } from '../model/build.js';
import { loadOrCreateSigningKeys, type SigningKeys } from '../registry/crypto.js';
import { ModelRegistry } from '../registry/registry.js';
import { loadConfig, type ReplicaConfig } from '../config.js';
import { startReplica, type Replica, type ReplicaDeps } from '../replica.js';

export interface TestRegistry {
  dir: string;
  root: string;
  backup: string;
  keys: SigningKeys;
  registry: ModelRegistry;
  build: BuildResult;
  cleanup(): void;
}

export const SMALL_WORLD = { items: 2000, users: 800, sessionsPerUser: 8 };

export async function buildTestRegistry(opts: { version?: string; encryptionKey?: Buffer } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-reg-'));
  const root = join(dir, 'models');
  const backup = join(dir, 'backup');
  const keys = loadOrCreateSigningKeys(join(root, '.keys'));
  const registry = new ModelRegistry({ root, backupRoot: backup, publicKey: keys.publicKey, privateKey: keys.privateKey, encryptionKey: opts.encryptionKey });
  const build = await buildModel(registry, { version: opts.version ?? 'v1', world: SMALL_WORLD, evalSessions: 500, sessionsFile: join(root, 'load-sessions.json') });
  return { dir, root, backup, keys, registry, build, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A sink that keeps structured log lines for assertions. */
export function logSink(): { stream: Writable; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { stream, lines };
}

export async function startTestReplica(reg: TestRegistry, env: Record<string, string> = {}, deps: ReplicaDeps = {}): Promise<Replica> {
  const config: ReplicaConfig = loadConfig({
    MODEL_REGISTRY: reg.root,
    MODEL_BACKUP: reg.backup,
    PORT: '0',
    ADMIN_TOKEN: 'admin-token',
    READONLY_TOKEN: 'read-token',
    LOG_LEVEL: 'warn',
    GPU_POLL_MS: '0',
    ...env,
  });
  const r = await startReplica(config, { logDestination: logSink().stream, exit: () => {}, ...deps });
  await r.loaded;
  return r;
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export const ADMIN = { authorization: 'Bearer admin-token' };
export const READ_ONLY = { authorization: 'Bearer read-token' };
