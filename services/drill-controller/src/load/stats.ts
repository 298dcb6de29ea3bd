/**
 * Aggregations with k6's exact semantics, so that a summary written by the built-in engine and one
 * written by k6 mean the same thing:
 * - percentiles interpolate linearly between the closest ranks (`i = p * (n - 1)`), as k6's TrendSink;
 * - `med` is the 50th percentile (the mean of the two middle values for an even count);
 * - a Rate is the share of non-zero samples; a Counter's `rate` is its count per second of test run.
 */
import { SUMMARY_TREND_STATS } from '@drillbook/contracts';

/** k6's percentile of an ascending-sorted array; `p` in 0..1. 0 for an empty array (as k6). */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (n === 1) return sorted[0];
  const i = p * (n - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

/** Percentile of unsorted values, or null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  return percentileSorted(Float64Array.from(values).sort(), p);
}

/** Parses a `p(99)` / `p(99.9)` stat name into 0..1, or null. */
export function parsePercentileStat(stat: string): number | null {
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
  if (!m) return null;
  const v = Number(m[1]);
  return v >= 0 && v <= 100 ? v / 100 : null;
}

/** Collects trend values (ms or plain numbers) in a growable typed array. */
export class TrendSink {
  private values = new Float64Array(1024);
  private n = 0;
  private sorted = true;
  private sum = 0;
  private minV = 0;
  private maxV = 0;

  add(v: number): void {
    if (this.n === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    if (this.n === 0) {
      this.minV = v;
      this.maxV = v;
    } else {
      if (v < this.minV) this.minV = v;
      if (v > this.maxV) this.maxV = v;
      if (this.sorted && v < this.values[this.n - 1]) this.sorted = false;
    }
    this.values[this.n++] = v;
    this.sum += v;
  }

  get count(): number {
    return this.n;
  }

  percentile(p: number): number {
    return percentileSorted(this.sortedView(), p);
  }

  /** The summary `values` object for the given summaryTrendStats. */
  summaryValues(stats: readonly string[] = SUMMARY_TREND_STATS): Record<string, number> {
    const out: Record<string, number> = {};
    for (const stat of stats) {
      if (stat === 'avg') out.avg = this.n === 0 ? 0 : this.sum / this.n;
      else if (stat === 'min') out.min = this.minV;
      else if (stat === 'max') out.max = this.maxV;
      else if (stat === 'med') out.med = this.percentile(0.5);
      else if (stat === 'count') out.count = this.n;
      else {
        const p = parsePercentileStat(stat);
        if (p !== null) out[stat] = this.percentile(p);
      }
    }
    return out;
  }

  private sortedView(): Float64Array {
    const view = this.values.subarray(0, this.n);
    if (!this.sorted) {
      view.sort();
      this.sorted = true;
    }
    return view;
  }
}

/** Share of non-zero samples. */
export class RateSink {
  trues = 0;
  total = 0;
  add(nonZero: boolean): void {
    this.total++;
    if (nonZero) this.trues++;
  }
  summaryValues(): Record<string, number> {
    return { rate: this.total === 0 ? 0 : this.trues / this.total, passes: this.trues, fails: this.total - this.trues };
  }
}

export class CounterSink {
  count = 0;
  add(v = 1): void {
    this.count += v;
  }
  summaryValues(testRunDurationMs: number): Record<string, number> {
    return { count: this.count, rate: testRunDurationMs > 0 ? this.count / (testRunDurationMs / 1000) : 0 };
  }
}
