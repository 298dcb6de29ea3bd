/**
 * A seeded, deterministic synthetic e-commerce world drawn from a known generative model:
 *
 * - every category has a latent centroid; an item's latent vector is its category centroid plus
 *   noise; items have a brand, a log-normal price and a Zipf popularity;
 * - a user has a segment (price sensitivity, how often they stick to favourites) and a latent taste
 *   mixing two favourite categories;
 * - a session picks an intent category (a favourite, or a popular one), types a query from that
 *   category's words (sometimes the brand, sometimes a generic word), is shown candidates drawn by
 *   popularity within the category, and purchases one with probability proportional to
 *   exp(taste·item + log popularity - sensitivity·log price + brand match), clicking a few more.
 *
 * Because the generator is known, offline ranking quality on held-out purchases is measurable.
 */
import { AliasTable, Rng } from './rng.js';
import {
  CATEGORIES,
  FAVOURITE_INTENT,
  GENERIC_WORDS,
  PRICE_SENSITIVITY,
  SEGMENTS,
  SEGMENT_WEIGHTS,
  type Segment,
} from './vocab.js';

export interface WorldParams {
  seed: number;
  items: number;
  users: number;
  /** Sessions per user; the last one with a purchase is held out. */
  sessionsPerUser: number;
  /** Dimension of the hidden taste space (not the model's embedding size). */
  latentDim: number;
  brandsPerCategory: number;
  candidatesPerSession: number;
}

export const DEFAULT_WORLD: WorldParams = {
  seed: 7,
  items: 5_000,
  users: 2_000,
  sessionsPerUser: 8,
  latentDim: 12,
  brandsPerCategory: 6,
  candidatesPerSession: 120,
};

export interface Session {
  user: number;
  query: string;
  intent: number;
  purchased: number;
  clicked: number[];
}

export interface World {
  params: WorldParams;
  itemCategory: Int32Array;
  itemBrand: Int32Array;
  itemPrice: Float32Array;
  /** Relative popularity (Zipf weight), higher is more popular. */
  itemPopularity: Float32Array;
  brandNames: string[];
  userSegment: Uint8Array;
  userFavourites: Int32Array; // 2 per user
  train: Session[];
  heldOut: Session[];
}

export const itemId = (i: number) => `i-${i}`;
export const userId = (u: number) => `u-${u}`;

export function parseId(id: string, prefix: 'i' | 'u', count: number): number | null {
  if (!id.startsWith(prefix + '-')) return null;
  const s = id.slice(2);
  if (!/^(0|[1-9][0-9]{0,8})$/.test(s)) return null;
  const n = Number(s);
  return n < count ? n : null;
}

/** Drop undefined values so they do not overwrite defaults in a spread. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function generateWorld(overrides: Partial<WorldParams> = {}): World {
  const params: WorldParams = { ...DEFAULT_WORLD, ...definedOnly(overrides) };
  if (!Number.isInteger(params.items) || params.items < CATEGORIES.length * 4) {
    throw new Error(`world.items must be an integer >= ${CATEGORIES.length * 4}, got ${params.items}`);
  }
  if (!Number.isInteger(params.users) || params.users < 10) throw new Error(`world.users must be an integer >= 10, got ${params.users}`);
  const root = new Rng(params.seed);
  const L = params.latentDim;
  const nC = CATEGORIES.length;

  // Categories: centroids and how much of the catalogue each holds.
  const catRng = root.fork('categories');
  const centroids = new Float32Array(nC * L);
  for (let i = 0; i < centroids.length; i++) centroids[i] = catRng.normal();
  const catWeights = CATEGORIES.map((_, c) => 1 / Math.pow(c + 1, 0.6));
  const catPriceMu = CATEGORIES.map(() => 2.5 + catRng.next() * 3); // log-price mean: ~12 .. ~250

  // Items.
  const itemRng = root.fork('items');
  const catTable = new AliasTable(catWeights);
  const itemCategory = new Int32Array(params.items);
  const itemBrand = new Int32Array(params.items);
  const itemPrice = new Float32Array(params.items);
  const itemPopularity = new Float32Array(params.items);
  const itemLatent = new Float32Array(params.items * L);
  // Popularity rank is a random permutation so popular items spread over categories.
  const rank = new Int32Array(params.items);
  for (let i = 0; i < params.items; i++) rank[i] = i;
  for (let i = params.items - 1; i > 0; i--) {
    const j = itemRng.int(i + 1);
    [rank[i], rank[j]] = [rank[j], rank[i]];
  }
  for (let i = 0; i < params.items; i++) {
    const c = i < nC * 2 ? i % nC : catTable.sample(itemRng); // every category gets items
    itemCategory[i] = c;
    itemBrand[i] = c * params.brandsPerCategory + itemRng.int(params.brandsPerCategory);
    itemPrice[i] = Math.exp(catPriceMu[c] + 0.6 * itemRng.normal());
    itemPopularity[i] = 1 / Math.pow(rank[i] + 1, 0.9);
    for (let d = 0; d < L; d++) itemLatent[i * L + d] = centroids[c * L + d] + 0.7 * itemRng.normal();
  }
  const brandNames: string[] = [];
  for (let c = 0; c < nC; c++) {
    for (let b = 0; b < params.brandsPerCategory; b++) brandNames.push(`${CATEGORIES[c].name.slice(0, 3)}brand${b}`);
  }

  // Per-category candidate samplers (popularity-weighted).
  const byCategory: number[][] = CATEGORIES.map(() => []);
  for (let i = 0; i < params.items; i++) byCategory[itemCategory[i]].push(i);
  const catSamplers = byCategory.map((items) => new AliasTable(items.map((i) => itemPopularity[i])));

  // Users.
  const userRng = root.fork('users');
  const segTable = new AliasTable(SEGMENTS.map((s) => SEGMENT_WEIGHTS[s]));
  const userSegment = new Uint8Array(params.users);
  const userFavourites = new Int32Array(params.users * 2);
  const userTaste = new Float32Array(params.users * L);
  for (let u = 0; u < params.users; u++) {
    userSegment[u] = segTable.sample(userRng);
    const f1 = catTable.sample(userRng);
    let f2 = catTable.sample(userRng);
    if (f2 === f1) f2 = (f1 + 1 + userRng.int(nC - 1)) % nC;
    userFavourites[2 * u] = f1;
    userFavourites[2 * u + 1] = f2;
    for (let d = 0; d < L; d++) {
      userTaste[u * L + d] = 0.7 * centroids[f1 * L + d] + 0.3 * centroids[f2 * L + d] + 0.5 * userRng.normal();
    }
  }

  // Sessions.
  const sessRng = root.fork('sessions');
  const train: Session[] = [];
  const heldOut: Session[] = [];
  const cand = new Int32Array(params.candidatesPerSession);
  const util = new Float64Array(params.candidatesPerSession);
  const tasteScale = 1 / Math.sqrt(L);
  for (let u = 0; u < params.users; u++) {
    const seg = SEGMENTS[userSegment[u]] as Segment;
    for (let s = 0; s < params.sessionsPerUser; s++) {
      const intent =
        sessRng.next() < FAVOURITE_INTENT[seg]
          ? userFavourites[2 * u + (sessRng.next() < 0.65 ? 0 : 1)]
          : catTable.sample(sessRng);
      const words = CATEGORIES[intent].words;
      const nWords = 1 + sessRng.int(2);
      const tokens: string[] = [];
      for (let w = 0; w < nWords; w++) tokens.push(sessRng.pick(words));
      let brandInQuery = -1;
      if (sessRng.next() < 0.25) {
        brandInQuery = intent * params.brandsPerCategory + sessRng.int(params.brandsPerCategory);
        tokens.push(brandNames[brandInQuery]);
      }
      if (sessRng.next() < 0.3) tokens.push(sessRng.pick(GENERIC_WORDS));
      // Candidates shown: mostly the intent category, some spill-over from elsewhere.
      for (let k = 0; k < cand.length; k++) {
        const c = sessRng.next() < 0.9 ? intent : catTable.sample(sessRng);
        const pool = byCategory[c];
        cand[k] = pool[catSamplers[c].sample(sessRng)];
      }
      let maxU = -Infinity;
      for (let k = 0; k < cand.length; k++) {
        const i = cand[k];
        let dot = 0;
        for (let d = 0; d < L; d++) dot += userTaste[u * L + d] * itemLatent[i * L + d];
        util[k] =
          2.2 * dot * tasteScale +
          0.35 * Math.log(itemPopularity[i] * params.items) -
          PRICE_SENSITIVITY[seg] * 0.6 * Math.log(itemPrice[i]) +
          (itemBrand[i] === brandInQuery ? 1.5 : 0) +
          (itemCategory[i] === intent ? 1.0 : 0);
        if (util[k] > maxU) maxU = util[k];
      }
      let sum = 0;
      for (let k = 0; k < cand.length; k++) {
        util[k] = Math.exp(util[k] - maxU);
        sum += util[k];
      }
      const purchased = cand[sessRng.weighted(util, sum)];
      const clicked: number[] = [];
      for (let c = 0; c < 3; c++) {
        const i = cand[sessRng.weighted(util, sum)];
        if (i !== purchased && !clicked.includes(i)) clicked.push(i);
      }
      const session: Session = { user: u, query: tokens.join(' '), intent, purchased, clicked };
      (s === params.sessionsPerUser - 1 ? heldOut : train).push(session);
    }
  }

  return { params, itemCategory, itemBrand, itemPrice, itemPopularity, brandNames, userSegment, userFavourites, train, heldOut };
}

/** Distribution of query categories and user segments in the training sessions (for drift detection). */
export function trainingDistribution(world: World): { queryCategory: number[]; userSegment: number[] } {
  const cats = new Array(CATEGORIES.length).fill(0);
  const segs = new Array(SEGMENTS.length).fill(0);
  for (const s of world.train) {
    cats[s.intent]++;
    segs[world.userSegment[s.user]]++;
  }
  const norm = (xs: number[]) => {
    const t = xs.reduce((a, b) => a + b, 0);
    return xs.map((x) => x / t);
  };
  return { queryCategory: norm(cats), userSegment: norm(segs) };
}
