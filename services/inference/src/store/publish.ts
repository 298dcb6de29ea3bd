/**
 * Publish step: copy a verified version from a registry into the model store — artefacts as
 * content-addressed blobs first (skipped when the store already has them), then the signed
 * manifest, then the index. A reader that sees a version in the index finds everything it needs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelRegistry } from '../registry/registry.js';
import { sha256 } from '../registry/crypto.js';
import { blobKey, indexKey, manifestKey, StoreObjectMissing, type StoreIndex, type StoreReader, type StoreWriter } from './backend.js';

export interface PublishReport {
  version: string;
  uploadedBytes: number;
  skippedBlobs: number;
}

export async function readStoreIndex(store: StoreReader, model: string): Promise<StoreIndex> {
  try {
    const idx = JSON.parse((await store.read(indexKey(model))).toString('utf8')) as StoreIndex;
    if (idx.schemaVersion !== 1 || !Array.isArray(idx.versions)) throw new Error(`${store.location}/${indexKey(model)}: not a store index (schemaVersion 1 with versions[])`);
    return idx;
  } catch (e) {
    if (e instanceof StoreObjectMissing) return { schemaVersion: 1, model, versions: [] };
    throw e;
  }
}

export async function publishToStore(registry: ModelRegistry, version: string, store: StoreWriter & StoreReader): Promise<PublishReport> {
  // Verify before publishing: the store never receives a version that fails its own checks.
  const loaded = registry.load(version);
  const dir = registry.dir(version);
  const manifestBytes = readFileSync(join(dir, 'manifest.json'));
  let uploadedBytes = 0;
  let skippedBlobs = 0;
  for (const entry of [loaded.manifest.artefacts.model, loaded.manifest.artefacts.features]) {
    const key = blobKey(entry.sha256);
    if (await store.exists(key)) {
      skippedBlobs++;
      continue;
    }
    const bytes = readFileSync(join(dir, entry.file));
    await store.write(key, bytes);
    uploadedBytes += bytes.length;
  }
  await store.write(manifestKey(registry.name, version), manifestBytes);
  uploadedBytes += manifestBytes.length;
  const index = await readStoreIndex(store, registry.name);
  if (!index.versions.some((v) => v.version === version)) {
    index.versions.push({ version, created: loaded.manifest.created, manifestSha256: sha256(manifestBytes) });
    await store.write(indexKey(registry.name), Buffer.from(JSON.stringify(index, null, 2) + '\n'));
  }
  return { version, uploadedBytes, skippedBlobs };
}

/** Re-publish every version of a registry (the backup location) into an empty or damaged store. */
export async function restoreStoreFrom(registry: ModelRegistry, store: StoreWriter & StoreReader): Promise<PublishReport[]> {
  const out: PublishReport[] = [];
  for (const v of registry.list()) out.push(await publishToStore(registry, v, store));
  return out;
}
