/**
 * Figures of one canary cohort, counted per attempt since the canary started: errors,
 * degraded answers, latency (a bounded reservoir for the p99) and served NDCG@10.
 */
import type { CanaryCohortFigures } from '@drillbook/contracts';

export interface AttemptOutcome {
  latencyMs: number;
  failed: boolean;
  degraded: boolean;
  /** NDCG@10 when the request carried ground truth and got a ranking. */
  ndcg: number | null;
}

export class CohortStats {
  private samples = 0;
  private errors = 0;
  private degraded = 0;
  private readonly latencies: Float64Array;
  private latencyCount = 0;
  private ndcgSum = 0;
  private ndcgCount = 0;

  constructor(
    private readonly maxLatencySamples: number,
    private readonly random: () => number = Math.random,
  ) {
    this.latencies = new Float64Array(maxLatencySamples);
  }

  record(o: AttemptOutcome): void {
    this.samples += 1;
    if (o.failed) this.errors += 1;
    if (o.degraded) this.degraded += 1;
    if (o.ndcg !== null) {
      this.ndcgSum += o.ndcg;
      this.ndcgCount += 1;
    }
    // Reservoir sampling (algorithm R): every attempt has the same chance to be kept.
    if (this.latencyCount < this.maxLatencySamples) {
      this.latencies[this.latencyCount++] = o.latencyMs;
    } else {
      const j = Math.floor(this.random() * this.samples);
      if (j < this.maxLatencySamples) this.latencies[j] = o.latencyMs;
    }
  }

  figures(): CanaryCohortFigures {
    return {
      samples: this.samples,
      errors: this.errors,
      errorRate: this.samples === 0 ? 0 : this.errors / this.samples,
      degradedRate: this.samples === 0 ? 0 : this.degraded / this.samples,
      p99Ms: this.percentile(0.99),
      ndcgSamples: this.ndcgCount,
      meanNdcg: this.ndcgCount === 0 ? null : this.ndcgSum / this.ndcgCount,
    };
  }

  private percentile(q: number): number | null {
    if (this.latencyCount === 0) return null;
    const sorted = this.latencies.slice(0, this.latencyCount).sort();
    const idx = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return Math.round(sorted[Math.max(0, idx)] * 10) / 10;
  }
}
