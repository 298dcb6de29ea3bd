/**
 * The stack's model: built once per world size into a cache directory (signed, with the load
 * sessions file), reused by every stack started with the same parameters. A compressed variant
 * (`variant: int8|fp16`, issue 23) is published beside the base as `<version>-<variant>`, once, from
 * the same trained weights: when the base is already cached, the weights are retrained from the seed
 * (deterministic) and the fp32 export of the retrained weights must hash to the cached base's sha256.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { StackModelVariant } from '@drillbook/contracts';
import { buildModel, loadSessions, publishWeights, servingFeatures, writeJsonAtomic } from '@drillbook/inference/model/build';
import { exportOnnx } from '@drillbook/inference/model/onnx';
import { publishVariants } from '@drillbook/inference/model/publishVariants';
import { trainTwoTower, type TwoTowerWeights } from '@drillbook/inference/model/train';
import { generateWorld, type World } from '@drillbook/inference/world/generator';
import { loadOrCreateSigningKeys } from '@drillbook/inference/registry/crypto';
import { ModelRegistry, type ServingFeatures } from '@drillbook/inference/registry/registry';

export interface StackModelSpec {
  items: number;
  users: number;
  seed: number;
  version: string;
  /** The export the replicas serve (default `fp32`: `version` itself; else `<version>-<variant>`). */
  variant?: StackModelVariant;
}

export const DEFAULT_STACK_MODEL: StackModelSpec = { items: 5000, users: 2000, seed: 7, version: 'v1' };

export interface PublishedModels {
  /** Registry root holding the published versions and `.keys/`. */
  root: string;
  publicKeyFile: string;
  sessionsFile: string;
  /** The version the replicas serve: the base, or `<base>-<variant>`. */
  version: string;
  /** The fp32 version the variant was derived from (equal to `version` for fp32). */
  baseVersion: string;
  variant: StackModelVariant;
}

/** The registry version a spec's replicas serve. */
export function servedVersion(spec: Pick<StackModelSpec, 'version' | 'variant'>): string {
  return !spec.variant || spec.variant === 'fp32' ? spec.version : `${spec.version}-${spec.variant}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Build (or reuse) the model for a spec under `cacheDir`. Concurrent callers wait on a lock file. */
export async function ensureStackModel(cacheDir: string, spec: StackModelSpec, say: (m: string) => void = () => {}): Promise<PublishedModels> {
  const root = join(cacheDir, `world-${spec.items}x${spec.users}-s${spec.seed}`);
  const variant = spec.variant ?? 'fp32';
  const out: PublishedModels = {
    root,
    publicKeyFile: join(root, '.keys', 'signing.pub.pem'),
    sessionsFile: join(root, 'load-sessions.json'),
    version: servedVersion(spec),
    baseVersion: spec.version,
    variant,
  };
  const baseDone = join(root, `.built-${spec.version}`);
  const done = join(root, `.built-${out.version}`);
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
    let trained: { world: World; weights: TwoTowerWeights; features: ServingFeatures };
    if (!existsSync(baseDone)) {
      rmSync(registry.dir(spec.version), { recursive: true, force: true });
      say(`building the reference model (${spec.items} items, ${spec.users} users) once into ${root}`);
      const r = await buildModel(registry, {
        version: spec.version,
        world: { items: spec.items, users: spec.users, seed: spec.seed },
        sessionsFile: out.sessionsFile,
        onProgress: (m) => say(`model: ${m}`),
      });
      say(`model ${spec.version}: NDCG@10 ${r.report.model.ndcgAt10.toFixed(3)} vs popularity ${r.report.popularity.ndcgAt10.toFixed(3)}`);
      writeFileSync(baseDone, new Date().toISOString());
      trained = r;
    } else {
      trained = await retrainCachedBase(registry, root, spec, out.sessionsFile, say);
    }
    if (variant !== 'fp32') {
      rmSync(registry.dir(out.version), { recursive: true, force: true });
      say(`model: publishing the ${variant} variant ${out.version} of ${spec.version}`);
      const [v] = await publishVariants(registry, { baseVersion: spec.version, ...trained, variants: [variant], latencyMs: 500, onProgress: (m) => say(`model: ${m}`) });
      registry.load(v.version); // verified (sha256 + signature) like every version the replicas load
      writeFileSync(done, new Date().toISOString());
    }
    return out;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

/**
 * The cached base's weights are not kept: retrain them from the seed. Training is deterministic, so
 * the fp32 export hashes to the cached manifest's sha256; when it does not (a cache built by an older
 * trainer), the base is published again from the retrained weights so base and variant stay one model.
 */
async function retrainCachedBase(
  registry: ModelRegistry,
  root: string,
  spec: StackModelSpec,
  sessionsFile: string,
  say: (m: string) => void,
): Promise<{ world: World; weights: TwoTowerWeights; features: ServingFeatures }> {
  say(`model: retraining ${spec.version} from seed ${spec.seed} to derive its ${spec.variant} variant`);
  const world = generateWorld({ items: spec.items, users: spec.users, seed: spec.seed });
  const weights = trainTwoTower(world, undefined, (p) => say(`model: train epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`));
  const features = servingFeatures(world);
  const cached = JSON.parse(readFileSync(join(registry.dir(spec.version), 'manifest.json'), 'utf8')) as { artefacts: { model: { sha256: string } } };
  const sha = createHash('sha256').update(exportOnnx(weights, { version: spec.version })).digest('hex');
  if (sha !== cached.artefacts.model.sha256) {
    say(`model: the cached ${spec.version} (sha256 ${cached.artefacts.model.sha256.slice(0, 12)}) is not what this trainer builds (${sha.slice(0, 12)}): publishing ${spec.version} again from the retrained weights`);
    rmSync(registry.dir(spec.version), { recursive: true, force: true });
    await publishWeights(registry, { version: spec.version, world, weights, features, provenance: { train: {} } });
    writeJsonAtomic(sessionsFile, loadSessions(world));
    for (const v of registry.list()) if (v.startsWith(`${spec.version}-`)) rmSync(join(root, `.built-${v}`), { force: true });
  }
  return { world, weights, features };
}
