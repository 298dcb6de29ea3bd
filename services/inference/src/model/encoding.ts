/**
 * Request encoding shared by training, export and serving: hashed bag-of-words query tokens and
 * user rows. Row 0 of the user table is the anonymous / cold-start user (also used when the
 * feature store cannot be reached); token id 0 is padding.
 */
import { tokenize } from '../world/vocab.js';

export interface ModelShape {
  /** Embedding dimension. */
  dim: number;
  /** Hash buckets for query tokens (id 0 reserved for padding). */
  hashBuckets: number;
  /** Query tokens kept per request. */
  maxTokens: number;
  items: number;
  /** User rows including row 0 (anonymous). */
  userRows: number;
}

/** FNV-1a, 32-bit. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function tokenIds(query: string | undefined, shape: Pick<ModelShape, 'hashBuckets' | 'maxTokens'>): number[] {
  if (!query) return [];
  return tokenize(query)
    .slice(0, shape.maxTokens)
    .map((t) => 1 + (fnv1a(t) % (shape.hashBuckets - 1)));
}

/** Fill row `row` of the [N, T] token id and weight tensors; weights average the token embeddings. */
export function encodeTokens(ids: number[], row: number, maxTokens: number, tokenOut: BigInt64Array, weightOut: Float32Array): void {
  const w = ids.length ? 1 / ids.length : 0;
  for (let t = 0; t < maxTokens; t++) {
    const has = t < ids.length;
    tokenOut[row * maxTokens + t] = BigInt(has ? ids[t] : 0);
    weightOut[row * maxTokens + t] = has ? w : 0;
  }
}
