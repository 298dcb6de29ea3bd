/**
 * The gateway's last-resort answer: the popularity list fetched from a ready replica at start
 * and every `popularRefreshMs`, kept when a refresh fails so it survives every replica going down.
 */
import http from 'node:http';
import type { PopularResponse, RecommendResponse } from '@drillbook/contracts';
import type { Logger } from 'pino';
import type { UpstreamPool } from '../health/UpstreamPool.js';
import { sendAttempt } from './upstreamRequest.js';

const FETCH_TIMEOUT_MS = 2_000;

export class PopularCache {
  private cached: PopularResponse | null = null;
  private fetchedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: UpstreamPool,
    private readonly agent: http.Agent,
    private readonly refreshMs: number,
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {}

  get list(): PopularResponse | null {
    return this.cached;
  }

  get ageMs(): number | null {
    return this.fetchedAt === null ? null : this.clock() - this.fetchedAt;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Fetches `/v1/popular` from one eligible upstream; true when the cache was updated. */
  async refresh(): Promise<boolean> {
    const u = this.pool.pick(null);
    if (!u) return false;
    try {
      const res = await sendAttempt(this.agent, u, { method: 'GET', path: '/v1/popular', headers: { accept: 'application/json' }, body: null }, FETCH_TIMEOUT_MS);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      const parsed = JSON.parse(res.body.toString('utf8')) as PopularResponse;
      if (!Array.isArray(parsed.items) || typeof parsed.model !== 'string') throw new Error('body is not a PopularResponse');
      this.cached = { model: parsed.model, items: parsed.items.filter((i) => typeof i?.itemId === 'string').map((i) => ({ itemId: i.itemId, score: Number(i.score) || 0 })) };
      this.fetchedAt = this.clock();
      return true;
    } catch (err) {
      this.logger.warn({ upstream: u.id, err: (err as Error).message }, 'could not refresh the popularity fallback list; keeping the previous one');
      return false;
    }
  }

  /** The fallback answer for `k` items, or null when nothing was ever cached. */
  answer(k: number): RecommendResponse | null {
    const list = this.cached;
    if (!list) return null;
    return {
      items: list.items.slice(0, k),
      model: list.model,
      modelVersion: null,
      degraded: true,
      reason: 'no_upstream',
      replica: 'gateway',
    };
  }
}
