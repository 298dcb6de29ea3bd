/**
 * Input drift: a sliding window over the last N requests of the live query-category and
 * user-segment distributions, compared with the training distribution by KL divergence
 * (live || training) and the population stability index. Laplace smoothing keeps both finite.
 */

export interface DriftReading {
  kl: number;
  psi: number;
}

export function klDivergence(p: number[], q: number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) s += p[i] * Math.log(p[i] / q[i]);
  return s;
}

export function psi(actual: number[], expected: number[]): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i] - expected[i]) * Math.log(actual[i] / expected[i]);
  return s;
}

/** Smoothed probabilities from counts (pseudo-count `alpha` per bucket). */
export function smooth(counts: ArrayLike<number>, alpha = 0.5): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const out = new Array<number>(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = (counts[i] + alpha) / (total + alpha * counts.length);
  return out;
}

/** One categorical dimension: ring buffer of the last `window` observations. */
export class DriftWindow {
  private readonly ring: Int32Array;
  private readonly counts: Float64Array;
  private next = 0;
  private filled = 0;
  private readonly reference: number[];

  constructor(reference: number[], readonly window: number) {
    if (window < 10) throw new RangeError('drift window must hold at least 10 samples');
    const t = reference.reduce((a, b) => a + b, 0);
    // Smooth the reference a little too, so unseen training buckets do not divide by zero.
    this.reference = reference.map((x) => (x / t) * 0.999 + 0.001 / reference.length);
    this.ring = new Int32Array(window).fill(-1);
    this.counts = new Float64Array(reference.length);
  }

  observe(bucket: number): void {
    if (bucket < 0 || bucket >= this.counts.length) return;
    const old = this.ring[this.next];
    if (old >= 0) this.counts[old]--;
    this.ring[this.next] = bucket;
    this.counts[bucket]++;
    this.next = (this.next + 1) % this.window;
    if (this.filled < this.window) this.filled++;
  }

  get samples(): number {
    return this.filled;
  }

  reading(): DriftReading | null {
    if (this.filled < Math.min(100, this.window)) return null;
    const live = smooth(this.counts);
    return { kl: klDivergence(live, this.reference), psi: psi(live, this.reference) };
  }
}
