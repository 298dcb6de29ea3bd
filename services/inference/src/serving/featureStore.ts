/**
 * The user feature lookup the model needs (which user-tower row and segment a user has). In
 * production this is a remote feature store; here it is in-process, but it honours the
 * dependency faults (outage, added latency) exactly where a network call would fail or stall, so
 * the serving path's deadline and degraded mode are exercised for real.
 */
import { InferenceError } from '../errors.js';
import { sampleDelay, type FaultRegistry } from '../faults/faults.js';
import type { ServingFeatures } from '../registry/registry.js';

export class DependencyError extends InferenceError {}

export interface UserFeatures {
  /** Row of the user tower (user number + 1; 0 is the anonymous row). */
  row: number;
  segment: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FeatureStore {
  private features: ServingFeatures | null = null;

  constructor(private readonly faults: FaultRegistry) {}

  setFeatures(f: ServingFeatures): void {
    this.features = f;
  }

  get users(): number | null {
    return this.features ? this.features.userSegment.length : null;
  }

  /**
   * The features at once when nothing can delay or fail the lookup (no dependency fault active,
   * features loaded): the serving path then needs no promise and no deadline timer. Null otherwise:
   * use `lookup`.
   */
  lookupNow(user: number): UserFeatures | null {
    const f = this.features;
    if (!f || this.faults.has('dependency-outage') || this.faults.has('dependency-latency')) return null;
    return { row: user + 1, segment: f.userSegment[user] ?? -1 };
  }

  async lookup(user: number): Promise<UserFeatures> {
    const outage = this.faults.active('dependency-outage');
    if (outage && Math.random() < outage.rate) {
      await sleep(1); // connection refused comes back fast
      throw new DependencyError('feature store unavailable (connection refused)');
    }
    const slow = this.faults.active('dependency-latency');
    if (slow && Math.random() < slow.rate) await sleep(sampleDelay(slow));
    const f = this.features;
    if (!f) throw new DependencyError('feature store has no data loaded');
    return { row: user + 1, segment: f.userSegment[user] ?? -1 };
  }
}
