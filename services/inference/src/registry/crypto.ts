/** Hashing, ed25519 signing and AES-256-GCM encryption at rest for model artefacts. */
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, ModelDecryptError } from '../errors.js';

export const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** Stable JSON: keys sorted, so the signed bytes do not depend on property order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const keyId = (publicKey: KeyObject) => sha256(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16);

export function signPayload(payload: unknown, privateKey: KeyObject): string {
  return sign(null, Buffer.from(canonicalJson(payload)), privateKey).toString('base64');
}

export function verifyPayload(payload: unknown, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(payload)), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export interface SigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
}

/** Load the ed25519 signing key pair from `dir`, creating it on first use. */
export function loadOrCreateSigningKeys(dir: string): SigningKeys {
  const priv = join(dir, 'signing.pem');
  const pub = join(dir, 'signing.pub.pem');
  if (!existsSync(priv)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  const privateKey = createPrivateKey(readFileSync(priv));
  const publicKeyPem = readFileSync(pub, 'utf8');
  return { privateKey, publicKey: createPublicKey(publicKeyPem), publicKeyPem };
}

export function publicKeyFrom(pem: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (e) {
    throw new ConfigError('publicKey', `not a PEM public key (${(e as Error).message})`);
  }
}

const MAGIC = Buffer.from('DBENC1');

/**
 * Parse a 32-byte AES key: 64 hex characters or base64 of 32 bytes. `source` names where it came
 * from (variable or file) for the error.
 */
export function parseEncryptionKey(raw: string, source: string): Buffer {
  const s = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64');
  if (key.length !== 32) throw new ConfigError(source, 'encryption key must be 32 bytes: 64 hex characters or base64');
  return key;
}

/** Encryption key from DRILLBOOK_MODEL_KEY or the file named by DRILLBOOK_MODEL_KEY_FILE; undefined when neither is set. */
export function encryptionKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  if (env.DRILLBOOK_MODEL_KEY) return parseEncryptionKey(env.DRILLBOOK_MODEL_KEY, 'DRILLBOOK_MODEL_KEY');
  if (env.DRILLBOOK_MODEL_KEY_FILE) {
    let text: string;
    try {
      text = readFileSync(env.DRILLBOOK_MODEL_KEY_FILE, 'utf8');
    } catch (e) {
      throw new ConfigError('DRILLBOOK_MODEL_KEY_FILE', `cannot read ${env.DRILLBOOK_MODEL_KEY_FILE}: ${(e as Error).message}`);
    }
    return parseEncryptionKey(text, `DRILLBOOK_MODEL_KEY_FILE (${env.DRILLBOOK_MODEL_KEY_FILE})`);
  }
  return undefined;
}

/** AES-256-GCM: MAGIC | iv(12) | tag(16) | ciphertext. */
export function encrypt(plain: Uint8Array, key: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([MAGIC, iv, c.getAuthTag(), body]);
}

export function decrypt(data: Buffer, key: Buffer | undefined, file: string): Buffer {
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw new ModelDecryptError(file, 'not an encrypted model file (bad header)');
  if (!key) throw new ModelDecryptError(file, 'the model is encrypted but no key is configured: set DRILLBOOK_MODEL_KEY or DRILLBOOK_MODEL_KEY_FILE');
  const iv = data.subarray(MAGIC.length, MAGIC.length + 12);
  const tag = data.subarray(MAGIC.length + 12, MAGIC.length + 28);
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(data.subarray(MAGIC.length + 28)), d.final()]);
  } catch {
    throw new ModelDecryptError(file, 'wrong key, or the ciphertext was altered: AES-256-GCM authentication failed');
  }
}
