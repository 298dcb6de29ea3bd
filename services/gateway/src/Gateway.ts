/**
 * Composition root: builds the pool, health checks, outlier detection, canary controller,
 * fallback cache, proxy, admin API and HTTP server from one config, and starts / stops them
 * together. `start()` runs one round of health checks and fills the fallback cache before it
 * listens, so the first request already knows which upstreams are up.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { CanaryController } from './canary/CanaryController.js';
import { type ReplicaAdmin, ReplicaAdminClient } from './canary/ReplicaAdminClient.js';
import type { GatewayConfig } from './config.js';
import { balancer } from './health/balancer.js';
import { HealthChecker } from './health/HealthChecker.js';
import { OutlierDetector } from './health/OutlierDetector.js';
import { UpstreamPool } from './health/UpstreamPool.js';
import { AdminApi } from './http/AdminApi.js';
import { AdminAuth } from './http/auth.js';
import { PopularCache } from './http/PopularCache.js';
import { Proxy } from './http/Proxy.js';
import { createHttpServer } from './http/server.js';
import { GatewayMetrics } from './telemetry/metrics.js';

export interface GatewayOptions {
  logger?: Logger;
  clock?: () => number;
  random?: () => number;
  /** Node default metrics (process, GC, event loop); off in tests that build many gateways. Default on. */
  defaultMetrics?: boolean;
  /** Replaces the replica admin client (tests). */
  replicaAdmin?: ReplicaAdmin;
}

export class Gateway {
  readonly metrics: GatewayMetrics;
  readonly pool: UpstreamPool;
  readonly health: HealthChecker;
  readonly canary: CanaryController;
  readonly popular: PopularCache;
  readonly proxy: Proxy;
  private readonly server: http.Server;
  private readonly agent: http.Agent;
  private readonly logger: Logger;
  private port: number | null = null;

  constructor(
    readonly config: GatewayConfig,
    options: GatewayOptions = {},
  ) {
    const clock = options.clock ?? Date.now;
    const random = options.random ?? Math.random;
    this.logger = options.logger ?? pino({ level: config.logLevel });
    this.metrics = new GatewayMetrics({ defaultMetrics: options.defaultMetrics });
    // One keep-alive pool for the data path; LIFO reuse keeps a few hot sockets per replica.
    this.agent = new http.Agent({ keepAlive: true, maxFreeSockets: 64, scheduling: 'lifo' });
    this.pool = new UpstreamPool(config.upstreams, { metrics: this.metrics, logger: this.logger, clock, random, pick: balancer(config.balancer) });
    this.health = new HealthChecker(config.healthCheck, this.pool, clock);
    const outlier = new OutlierDetector(config.outlier, config.ejection, this.pool, this.metrics, clock);
    this.canary = new CanaryController(config.canary, config.canaryAnalysis, {
      pool: this.pool,
      health: this.health,
      admin: options.replicaAdmin ?? new ReplicaAdminClient(new http.Agent({ keepAlive: false }), config.upstreamAdminToken),
      metrics: this.metrics,
      logger: this.logger.child({ component: 'canary' }),
      clock,
      random,
    });
    this.popular = new PopularCache(this.pool, this.agent, config.popularRefreshMs, this.logger, clock);
    this.proxy = new Proxy({ config, pool: this.pool, outlier, canary: this.canary, popular: this.popular, metrics: this.metrics, agent: this.agent, logger: this.logger });
    const admin = new AdminApi({
      auth: new AdminAuth(config.adminToken, config.readToken),
      pool: this.pool,
      health: this.health,
      canary: this.canary,
      popular: this.popular,
      logger: this.logger,
      clock,
      maxBodyBytes: config.maxBodyBytes,
    });
    this.server = createHttpServer({ proxy: this.proxy, admin, pool: this.pool, popular: this.popular, metrics: this.metrics, logger: this.logger, fallback: config.fallback });
  }

  /** Base URL once listening. */
  get url(): string {
    if (this.port === null) throw new Error('gateway is not listening yet; await start() first');
    return `http://${this.config.host}:${this.port}`;
  }

  async start(): Promise<{ port: number; url: string }> {
    await this.health.checkAll();
    await this.popular.refresh();
    this.health.start();
    this.popular.start();
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port, this.config.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    const eligible = this.pool.eligibleCount();
    this.logger.info({ port: this.port, upstreams: this.pool.all.length, eligible, fallbackCached: this.popular.list !== null }, 'gateway started');
    return { port: this.port, url: this.url };
  }

  /** Stops timers, stops accepting connections, lets in-flight requests finish (up to `graceMs`), then closes the rest. */
  async stop(graceMs = 2_000): Promise<void> {
    this.health.stop();
    this.popular.stop();
    this.canary.stop();
    if (this.server.listening) {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    }
    this.agent.destroy();
  }
}
