/**
 * Confidence intervals for latency percentiles, distribution-free: the ranks of the order statistics
 * that bracket the p-quantile with 95% confidence come from the binomial distribution of how many
 * samples fall below it (normal approximation). With few samples above the percentile the upper rank
 * runs past the largest sample: the interval's upper end is then the largest sample, and the
 * percentile cannot be bounded from above any tighter.
 */
const Z95 = 1.959964;

export interface PercentileInterval {
  low: number;
  high: number;
  /** The upper rank ran past the largest sample: `high` is the largest sample, not a bound. */
  highOpen: boolean;
}

/** 95% interval of the p-quantile of `sorted` (ascending, at least one value). */
export function percentileInterval(sorted: ArrayLike<number>, p: number): PercentileInterval {
  const n = sorted.length;
  if (n === 0) throw new RangeError('percentileInterval: no samples');
  const mean = n * p;
  const half = Z95 * Math.sqrt(n * p * (1 - p));
  const lowRank = Math.max(1, Math.floor(mean - half));
  const highRank = Math.ceil(mean + half) + 1;
  return { low: sorted[Math.min(n, lowRank) - 1], high: sorted[Math.min(n, highRank) - 1], highOpen: highRank > n };
}

/**
 * About how many samples the same distribution would need for the interval of the p-quantile to
 * exclude `target`: n > z² p (1 - p) / (p - q)², where q is the share of samples at or below the
 * target. Null when q equals p (no number of samples would decide it).
 */
export function samplesToDecide(sorted: ArrayLike<number>, p: number, target: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  let below = 0;
  while (below < n && sorted[below] <= target) below++;
  const q = below / n;
  if (Math.abs(p - q) < 1e-12) return null;
  return Math.ceil((Z95 * Z95 * p * (1 - p)) / ((p - q) * (p - q))) + 1;
}
