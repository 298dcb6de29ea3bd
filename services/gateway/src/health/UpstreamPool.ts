/**
 * The set of upstreams and the choice of one for each attempt. State changes are published
 * here (gauges + one log line per transition) whoever caused them: health checks, outlier
 * detection or the end of an ejection.
 */
import type { Logger } from 'pino';
import type { UpstreamConfig } from '../config.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import type { Pick } from './balancer.js';
import { Upstream } from './Upstream.js';

export interface PoolDeps {
  metrics: GatewayMetrics;
  logger: Logger;
  clock: () => number;
  random: () => number;
  pick: Pick;
}

export class UpstreamPool {
  private upstreams: Upstream[] = [];
  private readonly scratch: Upstream[] = [];

  constructor(
    configs: readonly UpstreamConfig[],
    private readonly deps: PoolDeps,
  ) {
    this.replace(configs);
  }

  get all(): readonly Upstream[] {
    return this.upstreams;
  }

  get(id: string): Upstream | undefined {
    return this.upstreams.find((u) => u.id === id);
  }

  has(upstream: Upstream): boolean {
    return this.upstreams.includes(upstream);
  }

  /** Replaces the list. Upstreams whose id and url are unchanged keep their state; the others start unchecked (not ready). */
  replace(configs: readonly UpstreamConfig[]): { added: Upstream[]; removed: Upstream[] } {
    const next: Upstream[] = [];
    const added: Upstream[] = [];
    for (const config of configs) {
      const existing = this.upstreams.find((u) => u.id === config.id && u.config.url === config.url && u.zone === config.zone);
      if (existing) {
        next.push(existing);
      } else {
        const created = new Upstream(config);
        next.push(created);
        added.push(created);
      }
    }
    const removed = this.upstreams.filter((u) => !next.includes(u));
    for (const u of removed) {
      this.deps.metrics.removeUpstream({ upstream: u.id, zone: u.zone });
      this.deps.logger.info({ upstream: u.id }, 'upstream removed');
    }
    this.upstreams = next;
    for (const u of added) this.publish(u);
    return { added, removed };
  }

  /**
   * Picks an eligible upstream other than `exclude`. With `prefer`, upstreams matching it are
   * chosen first (canary cohorts); when none matches, any eligible upstream will do.
   */
  pick(exclude: Upstream | null, prefer?: (u: Upstream) => boolean): Upstream | null {
    const now = this.deps.clock();
    const buf = this.scratch;
    buf.length = 0;
    if (prefer) {
      for (const u of this.upstreams) if (u !== exclude && u.isEligible(now) && prefer(u)) buf.push(u);
    }
    if (buf.length === 0) {
      for (const u of this.upstreams) if (u !== exclude && u.isEligible(now)) buf.push(u);
    }
    const chosen = this.deps.pick(buf, this.deps.random);
    buf.length = 0;
    return chosen;
  }

  eligibleCount(): number {
    const now = this.deps.clock();
    let n = 0;
    for (const u of this.upstreams) if (u.isEligible(now)) n += 1;
    return n;
  }

  /** Exports the upstream's state and logs a transition (up, down, ejected, re-admitted) once. */
  publish(u: Upstream, why?: string): void {
    if (!this.has(u)) return;
    const now = this.deps.clock();
    const state = { up: u.ready, ejected: u.isEjected(now) };
    const before = u.published;
    if (before && before.up === state.up && before.ejected === state.ejected) return;
    u.published = state;
    this.deps.metrics.setUpstreamState({ upstream: u.id, zone: u.zone }, state.up, state.ejected);
    if (!before) return;
    const log = this.deps.logger;
    const ctx = { upstream: u.id, zone: u.zone, reason: why ?? u.lastError ?? undefined };
    if (before.up !== state.up) {
      if (state.up) log.info(ctx, 'upstream up');
      else log.warn(ctx, 'upstream down');
    }
    if (before.ejected !== state.ejected) {
      if (state.ejected) log.warn({ ...ctx, until: new Date(u.ejectedUntil).toISOString() }, 'upstream ejected');
      else log.info({ ...ctx, ready: state.up }, state.up ? 'upstream re-admitted' : 'upstream ejection ended (still down)');
    }
  }

  publishAll(): void {
    for (const u of this.upstreams) this.publish(u);
  }
}
