/**
 * `model.publish` steps: derive a new version from one the registry holds, optionally damaged the
 * way a bad training run would (still a valid, hashed and signed artefact — "signed by mistake"),
 * and publish it so replicas can deploy it.
 */
import { join } from 'node:path';
import { ModelRegistry, type ModelManifest } from '@drillbook/inference/registry/registry';
import { loadOrCreateSigningKeys } from '@drillbook/inference/registry/crypto';
import { mutateOnnx } from '@drillbook/inference/model/onnx';

export async function publishDerivedModel(input: {
  registryRoot: string;
  backupRoot: string | null;
  from: string;
  version: string;
  mutation: 'none' | 'shuffle-item-embeddings' | 'zero-user-tower';
}): Promise<ModelManifest> {
  const keys = loadOrCreateSigningKeys(join(input.registryRoot, '.keys'));
  const registry = new ModelRegistry({ root: input.registryRoot, backupRoot: input.backupRoot ?? undefined, publicKey: keys.publicKey, privateKey: keys.privateKey });
  const base = registry.load(input.from);
  if (registry.list().includes(input.version)) return registry.load(input.version).manifest;
  return registry.publish({
    version: input.version,
    modelBytes: mutateOnnx(base.modelBytes, input.mutation),
    features: base.features,
    shape: base.manifest.shape,
    world: base.manifest.world,
    metrics: null,
    provenance: { derivedFrom: input.from, mutation: input.mutation, publishedBy: 'drillbook model.publish step' },
  });
}
