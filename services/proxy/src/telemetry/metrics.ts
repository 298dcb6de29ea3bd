/**
 * The proxy's Prometheus metrics, on a registry of its own (several proxies can live in one test
 * process). Names come from the contract (`PROXY_METRIC`); recording never throws into a request.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { HTTP_DURATION_BUCKETS_SECONDS, PROXY_FAULT_TYPES, PROXY_METRIC as M, type ActiveProxyFault } from '@drillbook/contracts';

export type UpstreamErrorKind = 'connect_error' | 'timeout' | 'reset';

export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly duration = new Histogram({
    name: M.requestDuration,
    help: 'Time from receiving a proxied request to the end of its answer, in seconds (status "0": no HTTP answer was sent: reset, hang, client gone).',
    labelNames: ['http_request_method', 'http_response_status_code', 'synthetic'],
    buckets: [...HTTP_DURATION_BUCKETS_SECONDS],
    registers: [this.registry],
  });
  private readonly applied = new Counter({
    name: M.faultsApplied,
    help: 'Requests a fault took effect on, by fault id and type.',
    labelNames: ['fault', 'type'],
    registers: [this.registry],
  });
  private readonly skipped = new Counter({
    name: M.faultsSkipped,
    help: 'Requests a fault matched but could not act on, by reason (e.g. no item list in the answer).',
    labelNames: ['fault', 'type', 'reason'],
    registers: [this.registry],
  });
  private readonly upstreamErrors = new Counter({
    name: M.upstreamErrors,
    help: 'Upstream exchanges that failed: connect_error, timeout, reset (after the answer began).',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly active = new Gauge({
    name: M.activeFaults,
    help: 'Faults active now, by type.',
    labelNames: ['type'],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({ name: M.inFlight, help: 'Requests being proxied now.', registers: [this.registry] });

  constructor() {
    for (const t of PROXY_FAULT_TYPES) this.active.set({ type: t }, 0);
    for (const k of ['connect_error', 'timeout', 'reset']) this.upstreamErrors.inc({ kind: k }, 0);
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch {
      /* never into the request path */
    }
  }

  /** Label children cached by key: resolving labels on every observation costs more than the observation. */
  private readonly durationChildren = new Map<string, { observe(v: number): void }>();

  request(method: string, status: number, synthetic: boolean, seconds: number): void {
    this.safe(() => {
      const key = `${method} ${status} ${synthetic}`;
      let child = this.durationChildren.get(key);
      if (!child) {
        child = this.duration.labels({ http_request_method: method, http_response_status_code: String(status), synthetic: synthetic ? 'true' : 'false' });
        if (this.durationChildren.size < 1000) this.durationChildren.set(key, child);
      }
      child.observe(seconds);
    });
  }
  faultApplied(f: Pick<ActiveProxyFault, 'id' | 'type'>): void {
    this.safe(() => this.applied.inc({ fault: f.id, type: f.type }));
  }
  faultSkipped(f: Pick<ActiveProxyFault, 'id' | 'type'>, reason: string): void {
    this.safe(() => this.skipped.inc({ fault: f.id, type: f.type, reason }));
  }
  upstreamError(kind: UpstreamErrorKind): void {
    this.safe(() => this.upstreamErrors.inc({ kind }));
  }
  setActive(faults: ActiveProxyFault[]): void {
    this.safe(() => {
      for (const t of PROXY_FAULT_TYPES) this.active.set({ type: t }, faults.filter((f) => f.type === t).length);
    });
  }
  inFlightAdd(d: number): void {
    this.safe(() => this.inFlight.inc(d));
  }
}
