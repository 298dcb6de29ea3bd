/** Vocabulary of the synthetic shop: categories, the words shoppers use for them, and user segments. */

export interface CategoryVocab {
  name: string;
  words: readonly string[];
}

export const CATEGORIES: readonly CategoryVocab[] = [
  { name: 'running-shoes', words: ['running', 'shoes', 'trainers', 'sneakers', 'marathon', 'trail', 'jogging', 'cushioned'] },
  { name: 'headphones', words: ['headphones', 'earbuds', 'wireless', 'noise', 'cancelling', 'bluetooth', 'headset', 'audio'] },
  { name: 'coffee', words: ['coffee', 'espresso', 'beans', 'roast', 'arabica', 'grinder', 'brew', 'latte'] },
  { name: 'laptops', words: ['laptop', 'notebook', 'ultrabook', 'gaming', 'ssd', 'processor', 'chromebook', 'macbook'] },
  { name: 'phones', words: ['phone', 'smartphone', 'android', 'iphone', 'unlocked', 'camera', '5g', 'mobile'] },
  { name: 'kitchen', words: ['kitchen', 'pan', 'knife', 'blender', 'cookware', 'skillet', 'mixer', 'utensils'] },
  { name: 'furniture', words: ['sofa', 'chair', 'table', 'desk', 'bookshelf', 'wardrobe', 'bed', 'couch'] },
  { name: 'toys', words: ['toy', 'lego', 'puzzle', 'doll', 'blocks', 'kids', 'board', 'game'] },
  { name: 'books', words: ['book', 'novel', 'paperback', 'hardcover', 'thriller', 'fantasy', 'biography', 'cookbook'] },
  { name: 'beauty', words: ['skincare', 'serum', 'moisturizer', 'lipstick', 'mascara', 'cream', 'perfume', 'makeup'] },
  { name: 'gardening', words: ['garden', 'seeds', 'hose', 'planter', 'soil', 'shears', 'lawn', 'mower'] },
  { name: 'pet-supplies', words: ['dog', 'cat', 'leash', 'litter', 'kibble', 'collar', 'aquarium', 'treats'] },
  { name: 'cycling', words: ['bike', 'bicycle', 'helmet', 'cycling', 'pedals', 'saddle', 'gravel', 'ebike'] },
  { name: 'camping', words: ['tent', 'camping', 'sleeping', 'bag', 'backpack', 'stove', 'lantern', 'hiking'] },
  { name: 'watches', words: ['watch', 'smartwatch', 'chronograph', 'strap', 'automatic', 'fitness', 'tracker', 'dial'] },
  { name: 'cameras', words: ['camera', 'mirrorless', 'lens', 'dslr', 'tripod', 'zoom', 'sensor', 'photography'] },
  { name: 'tv', words: ['tv', 'television', 'oled', '4k', 'smart', 'hdr', 'soundbar', 'projector'] },
  { name: 'gaming', words: ['console', 'controller', 'playstation', 'xbox', 'switch', 'keyboard', 'mouse', 'gamepad'] },
  { name: 'jackets', words: ['jacket', 'coat', 'parka', 'raincoat', 'fleece', 'puffer', 'windbreaker', 'down'] },
  { name: 'jeans', words: ['jeans', 'denim', 'slim', 'skinny', 'bootcut', 'trousers', 'chinos', 'pants'] },
  { name: 'tea', words: ['tea', 'green', 'matcha', 'oolong', 'chai', 'herbal', 'teapot', 'loose'] },
  { name: 'baby', words: ['baby', 'stroller', 'diapers', 'crib', 'bottle', 'pacifier', 'carrier', 'onesie'] },
  { name: 'tools', words: ['drill', 'screwdriver', 'hammer', 'wrench', 'saw', 'toolbox', 'cordless', 'pliers'] },
  { name: 'fitness', words: ['yoga', 'mat', 'dumbbells', 'kettlebell', 'treadmill', 'resistance', 'bands', 'protein'] },
];

/** Words that say nothing about the category. */
export const GENERIC_WORDS: readonly string[] = ['best', 'cheap', 'new', 'sale', 'premium', 'gift', 'top', 'deal'];

export const SEGMENTS = ['bargain-hunter', 'premium', 'explorer', 'loyal'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** Share of users per segment in the training population. */
export const SEGMENT_WEIGHTS: Record<Segment, number> = {
  'bargain-hunter': 0.35,
  premium: 0.2,
  explorer: 0.25,
  loyal: 0.2,
};

/** How strongly a segment avoids high prices (utility -= sensitivity * log(price)). */
export const PRICE_SENSITIVITY: Record<Segment, number> = {
  'bargain-hunter': 1.2,
  premium: -0.2,
  explorer: 0.4,
  loyal: 0.5,
};

/** Probability that a session's intent comes from the user's favourite categories. */
export const FAVOURITE_INTENT: Record<Segment, number> = {
  'bargain-hunter': 0.75,
  premium: 0.8,
  explorer: 0.45,
  loyal: 0.92,
};

/** Lowercase, split on non-alphanumerics. Shared by training, serving and drift detection. */
export function tokenize(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

const wordToCategory = new Map<string, number>();
CATEGORIES.forEach((c, i) => c.words.forEach((w) => wordToCategory.set(w, i)));

/**
 * The category a query is about, by majority vote of its category words; -1 when no word
 * names a category. Used to estimate the live query-category distribution for drift.
 */
export function queryCategory(query: string): number {
  const votes = new Map<number, number>();
  for (const t of tokenize(query)) {
    const c = wordToCategory.get(t);
    if (c !== undefined) votes.set(c, (votes.get(c) ?? 0) + 1);
  }
  let best = -1;
  let bestVotes = 0;
  for (const [c, v] of votes) {
    if (v > bestVotes || (v === bestVotes && c < best)) {
      best = c;
      bestVotes = v;
    }
  }
  return best;
}
