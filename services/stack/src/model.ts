/**
 * The stack's model: built once per world size into a cache directory (signed, with the load
 * sessions file), reused by every stack started with the same parameters.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from '@drillbook/inference/model/build';
import { loadOrCreateSigningKeys } from '@drillbook/inference/registry/crypto';
import { ModelRegistry } from '@drillbook/inference/registry/registry';
import { openSync, closeSync } from 'node:fs';

export interface StackModelSpec {
  items: number;
  users: number;
  seed: number;
  version: string;
}

export const DEFAULT_STACK_MODEL: StackModelSpec = { items: 5000, users: 2000, seed: 7, version: 'v1' };

export interface PublishedModels {
  /** Registry root holding the published versions and `.keys/`. */
  root: string;
  publicKeyFile: string;
  sessionsFile: string;
  version: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Build (or reuse) the model for a spec under `cacheDir`. Concurrent callers wait on a lock file. */
export async function ensureStackModel(cacheDir: string, spec: StackModelSpec, say: (m: string) => void = () => {}): Promise<PublishedModels> {
  const root = join(cacheDir, `world-${spec.items}x${spec.users}-s${spec.seed}`);
  const out: PublishedModels = {
    root,
    publicKeyFile: join(root, '.keys', 'signing.pub.pem'),
    sessionsFile: join(root, 'load-sessions.json'),
    version: spec.version,
  };
  const done = join(root, `.built-${spec.version}`);
  if (existsSync(done)) return out;
  mkdirSync(root, { recursive: true });
  const lock = join(root, '.lock');
  let fd: number | null = null;
  for (let i = 0; fd === null; i++) {
    try {
      fd = openSync(lock, 'wx');
    } catch {
      if (existsSync(done)) return out;
      if (i > 1200) throw new Error(`timed out waiting for another model build (${lock}); remove it if no build is running`);
      await sleep(250);
    }
  }
  try {
    if (existsSync(done)) return out;
    const keys = loadOrCreateSigningKeys(join(root, '.keys'));
    const registry = new ModelRegistry({ root, publicKey: keys.publicKey, privateKey: keys.privateKey });
    rmSync(registry.dir(spec.version), { recursive: true, force: true });
    say(`building the reference model (${spec.items} items, ${spec.users} users) once into ${root}`);
    const r = await buildModel(registry, {
      version: spec.version,
      world: { items: spec.items, users: spec.users, seed: spec.seed },
      sessionsFile: out.sessionsFile,
      onProgress: (m) => say(`model: ${m}`),
    });
    say(`model ${spec.version}: NDCG@10 ${r.report.model.ndcgAt10.toFixed(3)} vs popularity ${r.report.popularity.ndcgAt10.toFixed(3)}`);
    writeFileSync(done, new Date().toISOString());
    return out;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}
