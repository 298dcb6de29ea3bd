/**
 * One upstream replica and everything the gateway knows about it: active health (readiness
 * checks), passive health (consecutive failures, ejection) and load (requests in flight).
 */
import type { GatewayUpstreamView } from '@drillbook/contracts';
import type { UpstreamConfig } from '../config.js';

export interface ServedModel {
  name: string;
  version: string;
  sha256: string;
}

export type HealthTransition = 'up' | 'down' | null;

export class Upstream {
  readonly host: string;
  readonly port: number;
  inFlight = 0;

  // active health
  ready = false;
  private checkedOnce = false;
  private passStreak = 0;
  private failStreak = 0;
  lastCheckAt: number | null = null;
  lastError: string | null = null;
  model: ServedModel | null = null;
  checking = false;

  // passive health
  consecutiveFailures = 0;
  ejectedAt = 0;
  ejectedUntil = 0;
  /** Set on ejection: the upstream comes back only after a readiness check started after the ejection passes. */
  awaitingCheck = false;
  /** Ejection multiplier: grows on repeat, reset when the upstream stayed in for a while. */
  ejectionStreak = 0;
  totalEjections = 0;
  /** Last published (ready, ejected) pair, so transitions are logged and exported once. */
  published: { up: boolean; ejected: boolean } | null = null;

  constructor(readonly config: UpstreamConfig) {
    const url = new URL(config.url);
    this.host = url.hostname;
    this.port = Number(url.port);
  }

  get id(): string {
    return this.config.id;
  }

  get zone(): string {
    return this.config.zone;
  }

  /** Out by outlier detection: the ejection time is not over, or no check has passed since the ejection. */
  isEjected(now: number): boolean {
    return now < this.ejectedUntil || this.awaitingCheck;
  }

  /** Receives traffic: ready by its checks and not ejected. */
  isEligible(now: number): boolean {
    return this.ready && !this.isEjected(now);
  }

  eject(now: number, durationMs: number, why: string): void {
    this.ejectedAt = now;
    this.ejectedUntil = now + durationMs;
    this.awaitingCheck = true;
    this.consecutiveFailures = 0;
    this.lastError = why;
  }

  /**
   * Applies one readiness-check result. The first check decides directly; after that a ready
   * upstream needs `unhealthy` failures in a row to go down and a down one `healthy` passes to come
   * back. A pass also ends the wait of an ejected upstream, if the probe was sent after the ejection.
   */
  recordCheck(
    ok: boolean,
    now: number,
    thresholds: { healthy: number; unhealthy: number },
    detail: { model?: ServedModel | null; error?: string },
    /** When the probe was sent; a probe sent before an ejection cannot end it. */
    startedAt = now,
  ): HealthTransition {
    this.lastCheckAt = now;
    if (ok) {
      if (startedAt >= this.ejectedAt) this.awaitingCheck = false;
      this.passStreak += 1;
      this.failStreak = 0;
      if (detail.model !== undefined) this.model = detail.model;
    } else {
      this.failStreak += 1;
      this.passStreak = 0;
    }
    const first = !this.checkedOnce;
    this.checkedOnce = true;
    if (ok && !this.ready && (first || this.passStreak >= thresholds.healthy)) {
      this.ready = true;
      this.lastError = null;
      return 'up';
    }
    if (!ok) {
      this.lastError = detail.error ?? 'readiness check failed';
      if (this.ready && (first || this.failStreak >= thresholds.unhealthy)) {
        this.ready = false;
        return 'down';
      }
    }
    return null;
  }

  /** Passive signal strong enough to take the upstream out at once (connection refused: nothing listens). */
  markDown(reason: string): HealthTransition {
    this.passStreak = 0;
    this.lastError = reason;
    if (!this.ready) return null;
    this.ready = false;
    return 'down';
  }

  view(now: number): GatewayUpstreamView {
    const ejected = this.isEjected(now);
    return {
      id: this.config.id,
      url: this.config.url,
      zone: this.config.zone,
      ready: this.ready,
      ejected,
      ejectedUntil: ejected ? new Date(this.ejectedUntil).toISOString() : null,
      eligible: this.isEligible(now),
      ejections: this.totalEjections,
      consecutiveFailures: this.consecutiveFailures,
      inFlight: this.inFlight,
      model: this.model,
      lastCheckAt: this.lastCheckAt === null ? null : new Date(this.lastCheckAt).toISOString(),
      lastError: this.lastError,
    };
  }
}
