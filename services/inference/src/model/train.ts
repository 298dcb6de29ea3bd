/**
 * Two-tower model trained in TypeScript with BPR (pairwise logistic loss) and sampled negatives.
 *
 *   query tower:  q = U[user row] + mean_t E[hash(token_t)]
 *   item tower:   V[item] (embedding) and b[item] (ranking prior)
 *   score(i)    = q · V[i] + b[i]
 *
 * Negatives are half uniform over the catalogue, half from the positive's own category (hard
 * negatives), so the model learns both what the query is about and which items in it win.
 */
import { Rng } from '../world/rng.js';
import type { World } from '../world/generator.js';
import { tokenIds, type ModelShape } from './encoding.js';
import { definedOnly } from '../world/generator.js';

export interface TwoTowerWeights {
  shape: ModelShape;
  userEmb: Float32Array; // [userRows, dim]
  tokenEmb: Float32Array; // [hashBuckets, dim]
  itemEmb: Float32Array; // [items, dim]
  itemBias: Float32Array; // [items]
}

export interface TrainParams {
  dim: number;
  hashBuckets: number;
  maxTokens: number;
  epochs: number;
  negatives: number;
  learningRate: number;
  l2: number;
  /** Share of examples trained with the anonymous user row, so row 0 is a usable cold-start user. */
  userDropout: number;
  clickWeight: number;
  /** Standard deviation of the initial embeddings. */
  initScale: number;
  /** Learning-rate multiplier of the item bias (the popularity prior), so it cannot drown the towers. */
  biasLrScale: number;
  seed: number;
}

export const DEFAULT_TRAIN: TrainParams = {
  dim: 32,
  hashBuckets: 4096,
  maxTokens: 8,
  epochs: 8,
  negatives: 8,
  learningRate: 0.08,
  l2: 1e-5,
  userDropout: 0.2,
  clickWeight: 0.3,
  initScale: 0.2,
  biasLrScale: 0.1,
  seed: 11,
};

export interface TrainProgress {
  epoch: number;
  epochs: number;
  loss: number;
}

export function trainTwoTower(
  world: World,
  overrides: Partial<TrainParams> = {},
  onEpoch?: (p: TrainProgress) => void,
): TwoTowerWeights {
  const p: TrainParams = { ...DEFAULT_TRAIN, ...definedOnly(overrides) };
  const rng = new Rng(p.seed);
  const shape: ModelShape = {
    dim: p.dim,
    hashBuckets: p.hashBuckets,
    maxTokens: p.maxTokens,
    items: world.params.items,
    userRows: world.params.users + 1,
  };
  const D = p.dim;
  const init = (n: number, scale: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
    return a;
  };
  const userEmb = init(shape.userRows * D, p.initScale);
  const tokenEmb = init(shape.hashBuckets * D, p.initScale);
  for (let d = 0; d < D; d++) tokenEmb[d] = 0; // padding row stays zero
  const itemEmb = init(shape.items * D, p.initScale);
  const itemBias = new Float32Array(shape.items);

  // Examples: purchases (weight 1) and clicks (clickWeight).
  interface Example {
    user: number;
    tokens: number[];
    item: number;
    weight: number;
  }
  const examples: Example[] = [];
  for (const s of world.train) {
    const tokens = tokenIds(s.query, shape);
    examples.push({ user: s.user + 1, tokens, item: s.purchased, weight: 1 });
    for (const c of s.clicked) examples.push({ user: s.user + 1, tokens, item: c, weight: p.clickWeight });
  }
  const byCategory: number[][] = [];
  for (let i = 0; i < shape.items; i++) (byCategory[world.itemCategory[i]] ??= []).push(i);

  const q = new Float32Array(D);
  const gq = new Float32Array(D);
  const order = new Int32Array(examples.length);
  for (let i = 0; i < order.length; i++) order[i] = i;

  for (let epoch = 0; epoch < p.epochs; epoch++) {
    const lr = p.learningRate * (1 - epoch / (p.epochs + 1));
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    let lossSum = 0;
    let pairs = 0;
    for (let e = 0; e < order.length; e++) {
      const ex = examples[order[e]];
      const urow = rng.next() < p.userDropout ? 0 : ex.user;
      const tw = ex.tokens.length ? 1 / ex.tokens.length : 0;
      for (let d = 0; d < D; d++) {
        let v = userEmb[urow * D + d];
        for (const t of ex.tokens) v += tw * tokenEmb[t * D + d];
        q[d] = v;
        gq[d] = 0;
      }
      const pos = ex.item;
      let sPos = itemBias[pos];
      for (let d = 0; d < D; d++) sPos += q[d] * itemEmb[pos * D + d];
      for (let n = 0; n < p.negatives; n++) {
        const pool = n % 2 === 0 ? null : byCategory[world.itemCategory[pos]];
        const neg = pool ? pool[rng.int(pool.length)] : rng.int(shape.items);
        if (neg === pos) continue;
        let sNeg = itemBias[neg];
        for (let d = 0; d < D; d++) sNeg += q[d] * itemEmb[neg * D + d];
        const x = sPos - sNeg;
        const sig = 1 / (1 + Math.exp(-x));
        lossSum += -Math.log(sig + 1e-12) * ex.weight;
        pairs++;
        const g = (1 - sig) * ex.weight * lr;
        for (let d = 0; d < D; d++) {
          const vp = itemEmb[pos * D + d];
          const vn = itemEmb[neg * D + d];
          gq[d] += g * (vp - vn);
          itemEmb[pos * D + d] = vp + g * q[d] - lr * p.l2 * vp;
          itemEmb[neg * D + d] = vn - g * q[d] - lr * p.l2 * vn;
        }
        itemBias[pos] += g * p.biasLrScale;
        itemBias[neg] -= g * p.biasLrScale;
        sPos = itemBias[pos];
        for (let d = 0; d < D; d++) sPos += q[d] * itemEmb[pos * D + d];
      }
      for (let d = 0; d < D; d++) {
        userEmb[urow * D + d] += gq[d] - lr * p.l2 * userEmb[urow * D + d];
        for (const t of ex.tokens) tokenEmb[t * D + d] += tw * gq[d];
      }
    }
    onEpoch?.({ epoch: epoch + 1, epochs: p.epochs, loss: pairs ? lossSum / pairs : 0 });
  }
  return { shape, userEmb, tokenEmb, itemEmb, itemBias };
}

/** Deliberate damage for drills: a model that still loads, hashes and signs, but ranks badly. */
export function mutateWeights(w: TwoTowerWeights, mutation: 'none' | 'shuffle-item-embeddings' | 'zero-user-tower', seed = 99): TwoTowerWeights {
  if (mutation === 'none') return w;
  if (mutation === 'zero-user-tower') return { ...w, userEmb: new Float32Array(w.userEmb.length) };
  const rng = new Rng(seed);
  const D = w.shape.dim;
  const perm = new Int32Array(w.shape.items);
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const itemEmb = new Float32Array(w.itemEmb.length);
  const itemBias = new Float32Array(w.itemBias.length);
  for (let i = 0; i < perm.length; i++) {
    itemEmb.set(w.itemEmb.subarray(perm[i] * D, perm[i] * D + D), i * D);
    itemBias[i] = w.itemBias[perm[i]];
  }
  return { ...w, itemEmb, itemBias };
}
