/**
 * `model.publish` steps: derive a new version from one the registry holds, optionally damaged the
 * way a bad training run would (still a valid, hashed and signed artefact — "signed by mistake"),
 * and publish it so replicas can deploy it.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ModelRegistry, type ModelManifest } from '@drillbook/inference/registry/registry';
import { loadOrCreateSigningKeys } from '@drillbook/inference/registry/crypto';
import { mutateOnnx } from '@drillbook/inference/model/onnx';
import { FolderStore } from '@drillbook/inference/store/fileStore';
import { publishToStore } from '@drillbook/inference/store/publish';

export interface PublishInput {
  registryRoot: string;
  backupRoot: string | null;
  from: string;
  version: string;
  mutation: 'none' | 'shuffle-item-embeddings' | 'zero-user-tower';
  /** A model store folder (the embedded stack's nginx store): the version is published into it too. */
  storeDir?: string | null;
}

export async function publishDerivedModel(input: PublishInput): Promise<ModelManifest> {
  const keys = loadOrCreateSigningKeys(join(input.registryRoot, '.keys'));
  const registry = new ModelRegistry({ root: input.registryRoot, backupRoot: input.backupRoot ?? undefined, publicKey: keys.publicKey, privateKey: keys.privateKey });
  const base = registry.load(input.from);
  const manifest = registry.list().includes(input.version)
    ? registry.load(input.version).manifest
    : registry.publish({
        version: input.version,
        modelBytes: mutateOnnx(base.modelBytes, input.mutation),
        features: base.features,
        shape: base.manifest.shape,
        world: base.manifest.world,
        metrics: null,
        provenance: { derivedFrom: input.from, mutation: input.mutation, publishedBy: 'drillbook model.publish step' },
      });
  // With a model store, the registry's publish step also writes the version into the store.
  if (input.storeDir) await publishToStore(registry, input.version, new FolderStore(input.storeDir));
  return manifest;
}

/**
 * The same, in a worker thread. Verifying, re-encoding, hashing, signing and copying a model is
 * ~160 ms of synchronous work; on the thread that runs the built-in load engine it would hold up
 * every request scheduled meanwhile, and latency measured from the scheduled send time would blame
 * that stall on the service being drilled.
 */
export function publishOffThread(input: PublishInput): Promise<ModelManifest> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./publishWorker.mjs', import.meta.url), { workerData: input });
    let settled = false;
    worker.once('message', (m: { ok: true; manifest: ModelManifest } | { ok: false; error: string }) => {
      settled = true;
      if (m.ok) resolve(m.manifest);
      else reject(new Error(m.error));
      void worker.terminate();
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the model publish worker exited (code ${code}) before it answered`));
    });
  });
}
