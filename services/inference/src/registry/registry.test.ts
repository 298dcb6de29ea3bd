import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { buildTestRegistry, type TestRegistry } from '../testing/fixtures.js';
import { ModelRegistry } from './registry.js';
import { ModelDecryptError, ModelIntegrityError, ModelNotFound, ModelSignatureError } from '../errors.js';
import { parseEncryptionKey } from './crypto.js';

describe('model registry', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await buildTestRegistry();
  });
  afterAll(() => reg.cleanup());

  const fresh = (extra: Partial<ConstructorParameters<typeof ModelRegistry>[0]> = {}) =>
    new ModelRegistry({ root: reg.root, backupRoot: reg.backup, publicKey: reg.keys.publicKey, privateKey: reg.keys.privateKey, ...extra });

  const publishCopy = (registry: ModelRegistry, version: string) =>
    registry.publish({ version, modelBytes: reg.registry.load('v1').modelBytes, features: reg.build.features, shape: reg.build.weights.shape, world: {}, metrics: null });

  it('loads a published version after verifying hash, size and signature', () => {
    const m = reg.registry.load('v1');
    expect(m.manifest.version).toBe('v1');
    expect(m.sha256).toBe(m.manifest.artefacts.model.sha256);
    expect(m.restoredFromBackup).toBe(false);
  });

  it('refuses a model file whose bytes changed, naming the file and the hash mismatch', () => {
    const r = fresh({ backupRoot: undefined });
    publishCopy(r, 'tampered-bytes');
    const file = join(r.dir('tampered-bytes'), 'model.onnx');
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] ^= 0x01;
    writeFileSync(file, bytes);
    expect(() => r.load('tampered-bytes')).toThrow(ModelIntegrityError);
    expect(() => r.load('tampered-bytes')).toThrow(/tampered-bytes\/model\.onnx: sha256 mismatch \(manifest says [a-f0-9]{64}, file has [a-f0-9]{64}\)/);
  });

  it('refuses a manifest edited after signing, naming the manifest and the signature', () => {
    const r = fresh({ backupRoot: undefined });
    publishCopy(r, 'tampered-manifest');
    const file = join(r.dir('tampered-manifest'), 'manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8'));
    m.metrics = { model: { ndcgAt10: 0.99 } };
    writeFileSync(file, JSON.stringify(m));
    expect(() => r.load('tampered-manifest')).toThrow(ModelSignatureError);
    expect(() => r.load('tampered-manifest')).toThrow(/manifest\.json: signature check failed \(manifest content does not match its signature\)/);
  });

  it('refuses a version signed by a key it does not trust', () => {
    const other = generateKeyPairSync('ed25519');
    const r = fresh({ backupRoot: undefined, privateKey: other.privateKey, publicKey: other.publicKey });
    publishCopy(r, 'foreign-key');
    expect(() => fresh({ backupRoot: undefined }).load('foreign-key')).toThrow(/signed by key [a-f0-9]{16}, trusted key is [a-f0-9]{16}/);
  });

  it('restores a lost local version from the backup location and verifies it again', () => {
    const r = fresh();
    publishCopy(r, 'restorable');
    expect(existsSync(r.dir('restorable', reg.backup))).toBe(true);
    rmSync(r.dir('restorable'), { recursive: true });
    const m = r.load('restorable');
    expect(m.restoredFromBackup).toBe(true);
    expect(existsSync(join(r.dir('restorable'), 'manifest.json'))).toBe(true);
    expect(r.load('restorable').restoredFromBackup).toBe(false);
  });

  it('replaces a corrupted local copy with the verified backup copy', () => {
    const r = fresh();
    publishCopy(r, 'corrupt-local');
    writeFileSync(join(r.dir('corrupt-local'), 'model.onnx'), Buffer.from('garbage'));
    expect(r.load('corrupt-local').restoredFromBackup).toBe(true);
  });

  it('reports the local error when the backup copy is missing too', () => {
    const r = fresh();
    expect(() => r.load('never-published')).toThrow(ModelNotFound);
  });

  it('never leaves a half-written version behind when publishing twice under one version', () => {
    const r = fresh();
    publishCopy(r, 'once');
    expect(() => publishCopy(r, 'once')).toThrow(/already exists/);
    expect(r.list()).toContain('once');
  });

  describe('encryption at rest', () => {
    const key = randomBytes(32);
    it('stores the model encrypted and loads it with the right key', () => {
      const r = fresh({ encryptionKey: key, backupRoot: undefined });
      publishCopy(r, 'encrypted');
      expect(existsSync(join(r.dir('encrypted'), 'model.onnx.enc'))).toBe(true);
      expect(existsSync(join(r.dir('encrypted'), 'model.onnx'))).toBe(false);
      const m = r.load('encrypted');
      expect(m.sha256).toBe(reg.registry.load('v1').sha256);
    });
    it('gives a clear error for a wrong key', () => {
      const r = fresh({ encryptionKey: randomBytes(32), backupRoot: undefined });
      expect(() => r.load('encrypted')).toThrow(ModelDecryptError);
      expect(() => r.load('encrypted')).toThrow(/model\.onnx\.enc: could not decrypt \(wrong key, or the ciphertext was altered/);
    });
    it('says which variables to set when no key is configured', () => {
      expect(() => fresh({ backupRoot: undefined }).load('encrypted')).toThrow(/set DRILLBOOK_MODEL_KEY or DRILLBOOK_MODEL_KEY_FILE/);
    });
    it('rejects a key that is not 32 bytes, naming where it came from', () => {
      expect(() => parseEncryptionKey('abcd', 'DRILLBOOK_MODEL_KEY')).toThrow(/DRILLBOOK_MODEL_KEY: encryption key must be 32 bytes/);
    });
  });
});
