/**
 * On-disk model registry: `<root>/<name>/<version>/` holding the ONNX file (optionally AES-256-GCM
 * encrypted), the serving features and a manifest (sha256 and size of every artefact, creation
 * time, offline metrics, model shape) signed with ed25519. Every version published is also copied to
 * a backup location; a replica whose local copy is lost or fails verification restores it from
 * there and verifies it again. Versions are written to a temporary directory and renamed into
 * place, so a reader never sees a half-written version.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { ModelIntegrityError, ModelNotFound, ModelRegistryError, ModelSignatureError } from '../errors.js';
import type { ModelShape } from '../model/encoding.js';
import type { EvaluationReport } from '../model/evaluate.js';
import { decrypt, encrypt, keyId, sha256, signPayload, verifyPayload } from './crypto.js';

export const MODEL_NAME = 'recsys-two-tower';
const VERSION_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;

export interface ServingFeatures {
  schemaVersion: 1;
  categories: string[];
  segments: string[];
  /** Segment index per user (index = user number). */
  userSegment: number[];
  /** Category index per item. */
  itemCategory: number[];
  /** Fallback ranking: most popular item indices first. */
  popular: number[];
  /** Training distribution of query categories (last bucket: no category word) and user segments. */
  trainingDistribution: { queryCategory: number[]; userSegment: number[] };
}

export interface ArtefactEntry {
  file: string;
  sha256: string;
  size: number;
  /** Encrypted at rest: sha256/size describe the stored (encrypted) bytes, plainSha256 the decrypted model. */
  encrypted?: boolean;
  plainSha256?: string;
}

export interface ModelManifest {
  schemaVersion: 1;
  name: string;
  version: string;
  created: string;
  artefacts: { model: ArtefactEntry; features: ArtefactEntry };
  shape: ModelShape;
  world: Record<string, number>;
  metrics: EvaluationReport | null;
  /** Free-form provenance (training parameters, derived-from version, mutation). */
  provenance: Record<string, unknown>;
  signature?: { alg: 'ed25519'; keyId: string; value: string };
}

export interface LoadedModel {
  manifest: ModelManifest;
  modelBytes: Uint8Array;
  features: ServingFeatures;
  /** sha256 of the model as served (decrypted). */
  sha256: string;
  restoredFromBackup: boolean;
  /** Why the local copy was refused, when the version was restored from the backup instead. */
  localError?: { name: string; message: string };
}

export interface RegistryOptions {
  root: string;
  name?: string;
  /** Trusted public key: every load verifies the manifest signature with it. */
  publicKey: KeyObject;
  /** Needed to publish. */
  privateKey?: KeyObject;
  /** AES-256 key: publish encrypts with it, load decrypts with it. */
  encryptionKey?: Buffer;
  /** Backup location (another directory); every publish copies the version there. */
  backupRoot?: string;
}

export interface PublishInput {
  version: string;
  modelBytes: Uint8Array;
  features: ServingFeatures;
  shape: ModelShape;
  world: Record<string, number>;
  metrics: EvaluationReport | null;
  provenance?: Record<string, unknown>;
}

export class ModelRegistry {
  readonly name: string;

  constructor(private readonly opts: RegistryOptions) {
    this.name = opts.name ?? MODEL_NAME;
  }

  get root(): string {
    return this.opts.root;
  }

  dir(version: string, root = this.opts.root): string {
    return join(root, this.name, version);
  }

  /** Versions present locally, oldest first by creation time. */
  list(root = this.opts.root): string[] {
    const base = join(root, this.name);
    if (!existsSync(base)) return [];
    return readdirSync(base)
      .filter((v) => VERSION_RE.test(v) && existsSync(join(base, v, 'manifest.json')))
      .map((v) => ({ v, t: statSync(join(base, v, 'manifest.json')).mtimeMs }))
      .sort((a, b) => a.t - b.t || (a.v < b.v ? -1 : 1))
      .map((x) => x.v);
  }

  publish(input: PublishInput): ModelManifest {
    if (!this.opts.privateKey) throw new ModelRegistryError('cannot publish: no signing key configured');
    if (!VERSION_RE.test(input.version)) throw new ModelRegistryError(`invalid version "${input.version}": use letters, digits, ".", "_" or "-"`);
    if (existsSync(this.dir(input.version))) throw new ModelRegistryError(`version ${input.version} already exists in ${join(this.opts.root, this.name)}`);
    const stored = this.opts.encryptionKey ? encrypt(input.modelBytes, this.opts.encryptionKey) : Buffer.from(input.modelBytes);
    const modelFile = this.opts.encryptionKey ? 'model.onnx.enc' : 'model.onnx';
    const featuresBytes = Buffer.from(JSON.stringify(input.features));
    const unsigned: ModelManifest = {
      schemaVersion: 1,
      name: this.name,
      version: input.version,
      created: new Date().toISOString(),
      artefacts: {
        model: {
          file: modelFile,
          sha256: sha256(stored),
          size: stored.length,
          ...(this.opts.encryptionKey ? { encrypted: true, plainSha256: sha256(input.modelBytes) } : {}),
        },
        features: { file: 'features.json', sha256: sha256(featuresBytes), size: featuresBytes.length },
      },
      shape: input.shape,
      world: input.world,
      metrics: input.metrics,
      provenance: input.provenance ?? {},
    };
    const publicKey = this.opts.publicKey;
    const manifest: ModelManifest = {
      ...unsigned,
      signature: { alg: 'ed25519', keyId: keyId(publicKey), value: signPayload(unsigned, this.opts.privateKey) },
    };
    const tmp = join(this.opts.root, this.name, `.tmp-${input.version}-${process.pid}-${Date.now()}`);
    mkdirSync(tmp, { recursive: true });
    try {
      writeFileSync(join(tmp, modelFile), stored);
      writeFileSync(join(tmp, 'features.json'), featuresBytes);
      writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
      renameSync(tmp, this.dir(input.version));
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw new ModelRegistryError(`could not write version ${input.version}`, { cause: e });
    }
    if (this.opts.backupRoot) this.copyVersion(input.version, this.opts.root, this.opts.backupRoot);
    return manifest;
  }

  /** Copy a version between registries via a temporary directory + rename (no half-written copy). */
  private copyVersion(version: string, fromRoot: string, toRoot: string): void {
    const dest = this.dir(version, toRoot);
    if (existsSync(dest)) return;
    const tmp = join(toRoot, this.name, `.tmp-${version}-${process.pid}-${Date.now()}`);
    mkdirSync(join(toRoot, this.name), { recursive: true });
    try {
      cpSync(this.dir(version, fromRoot), tmp, { recursive: true });
      renameSync(tmp, dest);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw new ModelRegistryError(`could not copy version ${version} from ${fromRoot} to ${toRoot}`, { cause: e });
    }
  }

  /** Copy a version into this (local) registry from another one, e.g. a shared publish location. */
  pull(version: string, fromRoot: string): void {
    if (!existsSync(this.dir(version, fromRoot))) throw new ModelNotFound(`version ${version} not found in ${join(fromRoot, this.name)}`);
    this.copyVersion(version, fromRoot, this.opts.root);
  }

  /**
   * Load and verify a version. When the local copy is missing or fails verification and a backup
   * location is configured, restore it from the backup and verify again.
   */
  load(version: string): LoadedModel {
    const local = this.dir(version);
    try {
      if (!existsSync(join(local, 'manifest.json'))) throw new ModelNotFound(`version ${version} not found in ${relative(process.cwd(), join(this.opts.root, this.name)) || '.'}`);
      return this.verifyAndRead(version, this.opts.root, false);
    } catch (e) {
      const backup = this.opts.backupRoot;
      if (!backup || !existsSync(join(this.dir(version, backup), 'manifest.json'))) throw e;
      // Verify the backup copy first; only then replace the local one.
      this.verifyAndRead(version, backup, true);
      rmSync(local, { recursive: true, force: true });
      this.copyVersion(version, backup, this.opts.root);
      const restored = this.verifyAndRead(version, this.opts.root, true);
      return { ...restored, localError: { name: (e as Error).name, message: (e as Error).message } };
    }
  }

  /**
   * Check a manifest's ed25519 signature against the trusted key and that it is for `version` and
   * this model; `where` names its source in the error (a file or a store URL).
   */
  verifyManifest(manifest: ModelManifest, version: string, where: string): void {
    const { signature, ...unsigned } = manifest;
    if (!signature || signature.alg !== 'ed25519') throw new ModelSignatureError(where, 'manifest is not signed with ed25519');
    const expectedKey = keyId(this.opts.publicKey);
    if (signature.keyId !== expectedKey) throw new ModelSignatureError(where, `signed by key ${signature.keyId}, trusted key is ${expectedKey}`);
    if (!verifyPayload(unsigned, signature.value, this.opts.publicKey)) throw new ModelSignatureError(where, 'manifest content does not match its signature');
    if (manifest.version !== version) throw new ModelSignatureError(where, `manifest is for version ${manifest.version}, directory says ${version}`);
    if (manifest.name !== this.name) throw new ModelSignatureError(where, `manifest is for model ${manifest.name}, registry serves ${this.name}`);
  }

  private verifyAndRead(version: string, root: string, restored: boolean): LoadedModel {
    const dir = this.dir(version, root);
    const manifestFile = join(dir, 'manifest.json');
    let manifest: ModelManifest;
    try {
      manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ModelManifest;
    } catch (e) {
      throw new ModelRegistryError(`${manifestFile}: unreadable manifest (${(e as Error).message})`);
    }
    this.verifyManifest(manifest, version, manifestFile);

    const read = (entry: ArtefactEntry) => {
      const file = join(dir, entry.file);
      if (!existsSync(file)) throw new ModelIntegrityError(file, `${entry.size} bytes`, 'no file', 'presence');
      const bytes = readFileSync(file);
      if (bytes.length !== entry.size) throw new ModelIntegrityError(file, String(entry.size), String(bytes.length), 'size');
      const actual = sha256(bytes);
      if (actual !== entry.sha256) throw new ModelIntegrityError(file, entry.sha256, actual);
      return { file, bytes };
    };
    const m = read(manifest.artefacts.model);
    const f = read(manifest.artefacts.features);
    let modelBytes: Uint8Array = m.bytes;
    if (manifest.artefacts.model.encrypted) {
      modelBytes = decrypt(m.bytes, this.opts.encryptionKey, m.file);
      const plain = sha256(modelBytes);
      if (plain !== manifest.artefacts.model.plainSha256) throw new ModelIntegrityError(m.file, manifest.artefacts.model.plainSha256 ?? '?', plain, 'decrypted sha256');
    }
    return {
      manifest,
      modelBytes,
      features: JSON.parse(f.bytes.toString('utf8')) as ServingFeatures,
      sha256: manifest.artefacts.model.plainSha256 ?? manifest.artefacts.model.sha256,
      restoredFromBackup: restored,
    };
  }
}
