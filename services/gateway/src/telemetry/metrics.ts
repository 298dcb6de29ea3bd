/**
 * The gateway's Prometheus metrics, on a registry of its own (several gateways can live in one
 * test process). Recording never throws into the request path.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { httpServerErrorType } from '@drillbook/contracts';
import type { UpstreamFailureKind } from '../errors.js';
import { GATEWAY_METRIC as M, HTTP_BUCKETS, HTTP_DURATION_LABELS, NDCG_BUCKETS, type Route } from './metricNames.js';

const RETRY_REASONS: readonly UpstreamFailureKind[] = ['connect_error', 'timeout', 'server_error'];

type HttpChild = { observe(value: number): void };

export interface UpstreamLabels {
  upstream: string;
  zone: string;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly httpDuration = new Histogram({
    name: M.httpServerDuration,
    help: 'Duration of HTTP requests served by the gateway, in seconds.',
    labelNames: [...HTTP_DURATION_LABELS],
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });
  private readonly httpChildren = new Map<string, HttpChild>();
  private readonly upstreamUp = new Gauge({
    name: M.upstreamUp,
    help: '1 when the upstream passes its active health checks (/readyz), else 0.',
    labelNames: ['upstream', 'zone'],
    registers: [this.registry],
  });
  private readonly upstreamEjected = new Gauge({
    name: M.upstreamEjected,
    help: '1 while the upstream is ejected by outlier detection, else 0.',
    labelNames: ['upstream', 'zone'],
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: M.retries,
    help: 'Requests retried on another upstream, by the reason the first attempt failed.',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly ejections = new Counter({
    name: M.ejections,
    help: 'Times an upstream was ejected by outlier detection.',
    labelNames: ['upstream'],
    registers: [this.registry],
  });
  private readonly upstreamRequests = new Counter({
    name: M.upstreamRequests,
    help: 'Attempts sent to each upstream, by HTTP status code (or "error" / "timeout").',
    labelNames: ['upstream', 'code'],
    registers: [this.registry],
  });
  private readonly canaryWeight = new Gauge({
    name: M.canaryWeight,
    help: 'Share of traffic routed to the canary candidate (0 when no canary runs).',
    registers: [this.registry],
  });
  private readonly canaryDecisions = new Counter({
    name: M.canaryDecisions,
    help: 'Canary decisions taken (promote, rollback, abort).',
    labelNames: ['decision'],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: M.inFlight,
    help: 'Proxied requests currently in flight in the gateway.',
    registers: [this.registry],
  });
  private readonly servedNdcg = new Histogram({
    name: M.servedNdcg,
    help: 'NDCG@10 of served rankings for requests that carry ground truth (x-ground-truth), by model version.',
    labelNames: ['version'],
    buckets: NDCG_BUCKETS,
    registers: [this.registry],
  });
  private readonly shed = new Counter({
    name: M.shedRequests,
    help: 'Requests rejected with 503 because the gateway was over maxInFlight.',
    registers: [this.registry],
  });
  private readonly fallback = new Counter({
    name: M.fallback,
    help: 'Answers served from the gateway fallback (cached popularity list), by reason.',
    labelNames: ['model', 'reason'],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.canaryWeight.set(0);
    this.inFlight.set(0);
    this.shed.inc(0);
    for (const reason of RETRY_REASONS) this.retries.inc({ reason }, 0);
    // Every decision exists at 0 from the start, so increase() sees the first rollback (RecsysCanaryRolledBack).
    for (const decision of ['promote', 'rollback', 'abort']) this.canaryDecisions.inc({ decision }, 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  observeHttp(method: string, route: Route, status: number, synthetic: boolean, seconds: number, scheme: 'http' | 'https' = 'http'): void {
    const key = `${method} ${route} ${status} ${synthetic} ${scheme}`;
    let child = this.httpChildren.get(key);
    if (!child) {
      child = this.httpDuration.labels(method, route, String(status), synthetic ? 'true' : 'false', scheme, httpServerErrorType(status));
      this.httpChildren.set(key, child);
    }
    child.observe(seconds);
  }

  setUpstreamState(labels: UpstreamLabels, up: boolean, ejected: boolean): void {
    this.upstreamUp.set(labels, up ? 1 : 0);
    this.upstreamEjected.set(labels, ejected ? 1 : 0);
  }

  removeUpstream(labels: UpstreamLabels): void {
    this.upstreamUp.remove(labels);
    this.upstreamEjected.remove(labels);
  }

  countRetry(reason: UpstreamFailureKind): void {
    this.retries.inc({ reason });
  }

  countEjection(upstream: string): void {
    this.ejections.inc({ upstream });
  }

  countUpstreamRequest(upstream: string, code: string): void {
    this.upstreamRequests.inc({ upstream, code });
  }

  setCanaryWeight(weight: number): void {
    this.canaryWeight.set(weight);
  }

  countCanaryDecision(decision: string): void {
    this.canaryDecisions.inc({ decision });
  }

  setInFlight(n: number): void {
    this.inFlight.set(n);
  }

  observeNdcg(version: string, ndcg: number): void {
    this.servedNdcg.observe({ version }, ndcg);
  }

  countShed(): void {
    this.shed.inc();
  }

  /** `queries`: how many queries the fallback answered (an OIP request with N rows is N). */
  countFallback(model: string, reason: string, queries = 1): void {
    this.fallback.inc({ model, reason }, queries);
  }
}
