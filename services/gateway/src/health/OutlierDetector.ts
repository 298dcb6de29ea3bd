/**
 * Passive outlier detection: an upstream whose requests fail several times in a row (5xx,
 * connection error, timeout) is ejected for a base time that doubles on each repeat, up to a
 * cap. When the time is up it takes traffic again only once a readiness check sent after the
 * ejection has passed (a frozen replica stays out however long its probes hang). A refused
 * connection marks it down at once (nothing listens there); the health checks bring it back.
 */
import type { OutlierConfig } from '../config.js';
import type { UpstreamFailureKind } from '../errors.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import type { Upstream } from './Upstream.js';
import type { UpstreamPool } from './UpstreamPool.js';

export class OutlierDetector {
  constructor(
    private readonly config: OutlierConfig,
    private readonly enabled: boolean,
    private readonly pool: UpstreamPool,
    private readonly metrics: GatewayMetrics,
    private readonly clock: () => number,
  ) {}

  onSuccess(u: Upstream): void {
    u.consecutiveFailures = 0;
  }

  onFailure(u: Upstream, kind: UpstreamFailureKind, code?: string): void {
    u.consecutiveFailures += 1;
    if (!this.enabled) return;
    if (kind === 'connect_error' && code === 'ECONNREFUSED') {
      if (u.markDown('connection refused') === 'down') this.pool.publish(u);
    }
    if (u.consecutiveFailures >= this.config.consecutiveFailures) this.eject(u, `${u.consecutiveFailures} consecutive failures, last: ${kind}`);
  }

  /** Ejection time for the next ejection: base * 2^(streak-1), capped. */
  nextEjectionMs(streak: number): number {
    const factor = 2 ** Math.min(Math.max(streak - 1, 0), 30);
    return Math.min(this.config.baseEjectionMs * factor, this.config.maxEjectionMs);
  }

  private eject(u: Upstream, why: string): void {
    const now = this.clock();
    if (u.isEjected(now)) return;
    // An upstream that stayed in for longer than the longest ejection starts over from the base time.
    if (u.ejectionStreak > 0 && now - u.ejectedUntil > this.config.maxEjectionMs) u.ejectionStreak = 0;
    u.ejectionStreak += 1;
    u.totalEjections += 1;
    u.eject(now, this.nextEjectionMs(u.ejectionStreak), why);
    this.metrics.countEjection(u.id);
    this.pool.publish(u, why);
  }
}
