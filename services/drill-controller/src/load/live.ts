/**
 * Live figures over a sliding window, fed by either engine as requests complete, read about once a
 * second into a `LoadTick` (guardrails and the CLI progress line use them).
 */
import type { LoadPhaseName } from '@drillbook/contracts';
import { percentileSorted } from './stats.js';
import type { LoadTick } from './types.js';

interface Bucket {
  second: number;
  sent: number;
  completed: number;
  errors: number;
  degraded: number;
  latencies: number[];
}

export class LiveStats {
  private readonly buckets: Bucket[];
  sent = 0;
  completed = 0;
  errors = 0;
  degraded = 0;
  dropped = 0;
  inFlight = 0;

  constructor(readonly windowS: number) {
    // One extra bucket: the current, still-filling second.
    this.buckets = Array.from({ length: windowS + 2 }, () => ({ second: -1, sent: 0, completed: 0, errors: 0, degraded: 0, latencies: [] }));
  }

  onSent(atMs: number): void {
    this.sent++;
    this.bucket(atMs).sent++;
  }

  onDropped(): void {
    this.dropped++;
  }

  onCompleted(atMs: number, latencyMs: number, ok: boolean): void {
    this.completed++;
    const b = this.bucket(atMs);
    b.completed++;
    b.latencies.push(latencyMs);
    if (!ok) {
      this.errors++;
      b.errors++;
    }
  }

  /** A request already counted as completed whose 2xx answer did not fit the protocol: it failed. */
  onInvalid(atMs: number): void {
    this.errors++;
    this.bucket(atMs).errors++;
  }

  onDegraded(atMs: number): void {
    this.degraded++;
    this.bucket(atMs).degraded++;
  }

  /**
   * @param nowMs ms since load start
   * @param at ISO wall-clock time of `nowMs`
   */
  tick(nowMs: number, at: string, phase: LoadPhaseName | null, plannedRps: number, remainingS: number): LoadTick {
    const current = Math.floor(nowMs / 1000);
    // The window is the last `windowS` whole seconds plus the current partial one.
    const from = current - this.windowS;
    let completed = 0;
    let errors = 0;
    let degraded = 0;
    const lat: number[] = [];
    const last = { sent: 0, completed: 0, errors: 0 };
    for (const b of this.buckets) {
      if (b.second < from || b.second > current) continue;
      completed += b.completed;
      errors += b.errors;
      degraded += b.degraded;
      for (const l of b.latencies) lat.push(l);
      if (b.second === current - 1) {
        last.sent = b.sent;
        last.completed = b.completed;
        last.errors = b.errors;
      }
    }
    // Seconds the window really covers: whole seconds plus the current partial one, not before load start.
    const coveredS = Math.min(this.windowS + (nowMs / 1000 - current), nowMs / 1000);
    const p99 = lat.length === 0 ? null : percentileSorted(Float64Array.from(lat).sort(), 0.99);
    const errorRate = completed === 0 ? null : errors / completed;
    return {
      at,
      elapsedS: nowMs / 1000,
      remainingS,
      phase,
      plannedRps,
      sent: this.sent,
      completed: this.completed,
      errors: this.errors,
      degraded: this.degraded,
      dropped: this.dropped,
      inFlight: this.inFlight,
      lastSecond: last,
      window: {
        seconds: this.windowS,
        completed,
        rps: coveredS > 0 ? completed / coveredS : 0,
        errorRate,
        availability: errorRate === null ? null : 1 - errorRate,
        p99Ms: p99,
        degradedShare: completed === 0 ? null : degraded / completed,
      },
    };
  }

  private bucket(atMs: number): Bucket {
    const second = Math.floor(atMs / 1000);
    const b = this.buckets[((second % this.buckets.length) + this.buckets.length) % this.buckets.length];
    if (b.second !== second) {
      b.second = second;
      b.sent = 0;
      b.completed = 0;
      b.errors = 0;
      b.degraded = 0;
      b.latencies = [];
    }
    return b;
  }
}
