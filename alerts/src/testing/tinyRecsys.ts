/**
 * A tiny stand-in for the reference stack, for tests that need a real Prometheus to scrape the
 * contract metrics without the model: a "gateway" that answers POST /v1/recommend (200, or a
 * failure status while failing) and records the HTTP histogram, a "replica" exporting the serving,
 * accelerator and drift metrics, and a "controller" exporting the drill metrics. Every series comes
 * from a real prom-client registry with the contract's names, labels and buckets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  BATCH_SIZE_BUCKETS,
  DCGM,
  HTTP_DURATION_BUCKETS_SECONDS,
  httpServerErrorType,
  INFERENCE_DURATION_BUCKETS_SECONDS,
  METRIC,
  METRIC_LABELS,
  MODEL_LOAD_FAILURE_REASONS,
  MODEL_FETCH_BUCKETS_SECONDS,
  MODEL_STORE_ERROR_REASONS,
  MODEL_STORE_METRIC,
} from '@drillbook/contracts';
import { RECOMMEND_ROUTE } from '../config.js';

export interface TinyRecsys {
  gatewayUrl: string;
  replicaUrl: string;
  controllerUrl: string;
  /** Answer /v1/recommend with this status (e.g. 503) instead of 200; null to recover. */
  setFailureStatus(status: number | null): void;
  /** Serve every answer degraded (counted in recsys_fallback_total) with this reason; null to stop. */
  setDegraded(reason: string | null): void;
  /** Sends POST /v1/recommend at `rps` until stopTraffic(); one stream per kind (real, synthetic). */
  startTraffic(rps: number, opts?: { synthetic?: boolean }): void;
  /** Counts one refused model load (recsys_model_load_failures_total) with this reason. */
  failModelLoad(reason: string): void;
  stopTraffic(): Promise<void>;
  sent(): { ok: number; failed: number };
  close(): Promise<void>;
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

function metricsHandler(registry: Registry, extra?: (req: IncomingMessage, res: ServerResponse) => boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (extra?.(req, res)) return;
    if (req.url === '/metrics') {
      registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
      return;
    }
    res.writeHead(404);
    res.end();
  };
}

const labels = <K extends keyof typeof METRIC_LABELS>(k: K) => [...METRIC_LABELS[k]] as string[];

export async function startTinyRecsys(): Promise<TinyRecsys> {
  // Gateway: the client-visible HTTP histogram, upstream health, retries.
  const gw = new Registry();
  const http = new Histogram({
    name: METRIC.httpServerDuration,
    help: 'HTTP server request duration',
    labelNames: labels(METRIC.httpServerDuration),
    buckets: [...HTTP_DURATION_BUCKETS_SECONDS],
    registers: [gw],
  });
  const upstreamUp = new Gauge({ name: METRIC.gatewayUpstreamUp, help: 'up', labelNames: ['upstream', 'zone'], registers: [gw] });
  const upstreamEjected = new Gauge({ name: METRIC.gatewayUpstreamEjected, help: 'ejected', labelNames: ['upstream', 'zone'], registers: [gw] });
  new Counter({ name: METRIC.gatewayRetries, help: 'retries', labelNames: ['reason'], registers: [gw] }).inc({ reason: 'connect_error' }, 0);
  new Counter({ name: METRIC.gatewayEjections, help: 'ejections', labelNames: ['upstream'], registers: [gw] }).inc({ upstream: 'r1' }, 0);
  new Gauge({ name: METRIC.gatewayInFlight, help: 'in flight', registers: [gw] }).set(0);
  const ndcg = new Histogram({ name: METRIC.servedNdcg, help: 'served ndcg', labelNames: ['version'], buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], registers: [gw] });
  for (const [upstream, zone] of [['r1', 'zone-a'], ['r2', 'zone-b']] as const) {
    upstreamUp.set({ upstream, zone }, 1);
    upstreamEjected.set({ upstream, zone }, 0);
  }

  // Replica: serving, model, accelerator and drift metrics.
  const rep = new Registry();
  const inferenceRequests = new Counter({ name: METRIC.inferenceRequests, help: 'inference requests', labelNames: labels(METRIC.inferenceRequests), registers: [rep] });
  const inferenceDuration = new Histogram({ name: METRIC.inferenceDuration, help: 'inference', labelNames: labels(METRIC.inferenceDuration), buckets: [...INFERENCE_DURATION_BUCKETS_SECONDS], registers: [rep] });
  const queueDuration = new Histogram({ name: METRIC.inferenceQueueDuration, help: 'queue', labelNames: labels(METRIC.inferenceQueueDuration), buckets: [...INFERENCE_DURATION_BUCKETS_SECONDS], registers: [rep] });
  const batchSize = new Histogram({ name: METRIC.inferenceBatchSize, help: 'batch', labelNames: labels(METRIC.inferenceBatchSize), buckets: [...BATCH_SIZE_BUCKETS], registers: [rep] });
  new Gauge({ name: METRIC.inferencePending, help: 'pending', labelNames: labels(METRIC.inferencePending), registers: [rep] }).set({ model: 'two-tower', version: 'v1' }, 0);
  const fallback = new Counter({ name: METRIC.fallback, help: 'fallback', labelNames: labels(METRIC.fallback), registers: [rep] });
  new Gauge({ name: METRIC.modelInfo, help: 'model', labelNames: labels(METRIC.modelInfo), registers: [rep] }).set({ model: 'two-tower', version: 'v1', sha256: 'ab12' }, 1);
  const busy = new Gauge({ name: METRIC.acceleratorUtilization, help: 'busy', labelNames: labels(METRIC.acceleratorUtilization), registers: [rep] });
  busy.set({ device: 'cpu0', kind: 'cpu' }, 0.3);
  busy.set({ device: 'gpu0', kind: 'gpu' }, 0.2);
  new Gauge({ name: METRIC.acceleratorPresent, help: 'gpu present', registers: [rep] }).set(1);
  new Gauge({ name: METRIC.acceleratorMemoryUsed, help: 'gpu memory used', labelNames: ['device', 'kind'], registers: [rep] }).set({ device: 'gpu0', kind: 'gpu' }, 2e9);
  new Gauge({ name: METRIC.acceleratorMemoryTotal, help: 'gpu memory total', labelNames: ['device', 'kind'], registers: [rep] }).set({ device: 'gpu0', kind: 'gpu' }, 8e9);
  const loadFailures = new Counter({ name: 'recsys_model_load_failures_total', help: 'refused loads', labelNames: ['model', 'reason'], registers: [rep] });
  // As a real replica does (services/inference modelHost): the known refusal reasons exist at 0 from
  // the start, so increase() sees the first refusal (RecsysModelLoadFailed).
  for (const reason of MODEL_LOAD_FAILURE_REASONS) loadFailures.inc({ model: 'two-tower', reason }, 0);
  const kl = new Gauge({ name: METRIC.driftKl, help: 'kl', labelNames: ['dimension'], registers: [rep] });
  const psi = new Gauge({ name: METRIC.driftPsi, help: 'psi', labelNames: ['dimension'], registers: [rep] });
  for (const dimension of ['query_category', 'user_segment']) {
    kl.set({ dimension }, 0.01);
    psi.set({ dimension }, 0.02);
  }
  new Gauge({ name: METRIC.driftWindowSamples, help: 'drift window', registers: [rep] }).set(500);
  new Gauge({ name: METRIC.activeFaults, help: 'faults', labelNames: ['type'], registers: [rep] }).set({ type: 'latency' }, 0);
  new Counter({ name: METRIC.shedRequests, help: 'shed', labelNames: ['reason'], registers: [rep] }).inc({ reason: 'queue_full' }, 0);
  // The model store and replica cache (issue 23), as a replica that fetched its model from a store exports them.
  const store = { model: 'two-tower' };
  new Counter({ name: MODEL_STORE_METRIC.cacheHits, help: 'cache hits', labelNames: ['model'], registers: [rep] }).inc(store, 1);
  new Counter({ name: MODEL_STORE_METRIC.cacheMisses, help: 'cache misses', labelNames: ['model'], registers: [rep] }).inc(store, 1);
  new Counter({ name: MODEL_STORE_METRIC.cacheEvictions, help: 'evictions', labelNames: ['model'], registers: [rep] }).inc(store, 0);
  new Gauge({ name: MODEL_STORE_METRIC.cacheBytes, help: 'cache bytes', labelNames: ['model'], registers: [rep] }).set(store, 3.2e6);
  const storeErrors = new Counter({ name: MODEL_STORE_METRIC.storeErrors, help: 'store errors', labelNames: ['model', 'reason'], registers: [rep] });
  for (const reason of MODEL_STORE_ERROR_REASONS) storeErrors.inc({ ...store, reason }, 0);
  new Histogram({ name: MODEL_STORE_METRIC.fetchDuration, help: 'fetch', labelNames: ['model'], buckets: [...MODEL_FETCH_BUCKETS_SECONDS], registers: [rep] }).observe(store, 0.2);
  new Counter({ name: MODEL_STORE_METRIC.fetchResumes, help: 'resumes', labelNames: ['model'], registers: [rep] }).inc(store, 0);
  // A GPU node's DCGM exporter, as if it ran beside the replica.
  new Gauge({ name: DCGM.gpuUtil, help: 'dcgm util', labelNames: ['gpu', 'UUID', 'modelName', 'Hostname'], registers: [rep] }).set({ gpu: '0', UUID: 'GPU-1', modelName: 'NVIDIA H100', Hostname: 'node-a' }, 42);
  new Gauge({ name: DCGM.grEngineActive, help: 'dcgm engine', labelNames: ['gpu', 'UUID', 'GPU_I_ID', 'hostname'], registers: [rep] }).set({ gpu: '1', UUID: 'GPU-2', GPU_I_ID: '1', hostname: 'node-b' }, 0.5);
  new Gauge({ name: DCGM.fbUsed, help: 'fb used MiB', labelNames: ['gpu', 'Hostname'], registers: [rep] }).set({ gpu: '0', Hostname: 'node-a' }, 30_000);
  new Gauge({ name: DCGM.fbFree, help: 'fb free MiB', labelNames: ['gpu', 'Hostname'], registers: [rep] }).set({ gpu: '0', Hostname: 'node-a' }, 50_000);

  // Controller: the drill metrics.
  const ctl = new Registry();
  const drill = { service: 'recsys-reference', runbook: 'zone-loss' };
  new Gauge({ name: METRIC.drillScore, help: 'score', labelNames: ['service', 'runbook'], registers: [ctl] }).set(drill, 87);
  const status = new Gauge({ name: METRIC.drillStatus, help: 'status', labelNames: ['service', 'runbook', 'status'], registers: [ctl] });
  status.set({ ...drill, status: 'passed' }, 1);
  status.set({ ...drill, status: 'aborted' }, 0);
  new Gauge({ name: METRIC.drillTimeToRecover, help: 'ttr', labelNames: ['service', 'runbook'], registers: [ctl] }).set(drill, 12.5);
  new Gauge({ name: METRIC.drillTimeToDetect, help: 'ttd', labelNames: ['service', 'runbook'], registers: [ctl] }).set(drill, 61);
  new Gauge({ name: METRIC.drillBudgetConsumed, help: 'budget', labelNames: ['service', 'runbook'], registers: [ctl] }).set(drill, 0.004);
  new Gauge({ name: METRIC.drillInProgress, help: 'in progress', labelNames: ['service', 'runbook'], registers: [ctl] }).set(drill, 0);

  let failureStatus: number | null = null;
  let degradedReason: string | null = null;
  const model = { model: 'two-tower', version: 'v1' };
  const gateway = await listen(
    metricsHandler(gw, (req, res) => {
      if (req.method !== 'POST' || req.url !== RECOMMEND_ROUTE) return false;
      const start = process.hrtime.bigint();
      req.resume();
      req.on('end', () => {
        const code = failureStatus ?? 200;
        if (code === 200) {
          inferenceRequests.inc({ ...model, result: 'success', reason: '' });
          inferenceDuration.observe(model, 0.004);
          queueDuration.observe(model, 0.001);
          batchSize.observe(model, 4);
          ndcg.observe({ version: 'v1' }, 0.42);
          if (degradedReason) fallback.inc({ model: 'two-tower', reason: degradedReason });
        } else {
          inferenceRequests.inc({ ...model, result: 'failure', reason: 'fault' });
        }
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(code === 200 ? { items: [], degraded: degradedReason !== null } : { error: 'injected' }));
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const synthetic = req.headers['x-synthetic'] === 'true' ? 'true' : 'false';
        http.observe({ http_request_method: 'POST', http_route: RECOMMEND_ROUTE, http_response_status_code: String(code), synthetic, url_scheme: 'http', error_type: httpServerErrorType(code) }, seconds);
      });
      return true;
    }),
  );
  const replica = await listen(metricsHandler(rep));
  const controller = await listen(metricsHandler(ctl));

  const timers = new Map<boolean, NodeJS.Timeout>();
  const stopTimers = () => {
    for (const t of timers.values()) clearInterval(t);
    timers.clear();
  };
  let inFlight: Promise<unknown>[] = [];
  const counts = { ok: 0, failed: 0 };
  const send = (synthetic: boolean) => {
    const p = fetch(`${gateway.url}${RECOMMEND_ROUTE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(synthetic ? { 'x-synthetic': 'true' } : {}) },
      body: JSON.stringify({ userId: 'u1', k: 10 }),
    })
      .then(async (r) => {
        await r.arrayBuffer();
        if (r.ok) counts.ok++;
        else counts.failed++;
      })
      .catch(() => counts.failed++);
    inFlight.push(p);
    void p.finally(() => {
      inFlight = inFlight.filter((x) => x !== p);
    });
  };

  return {
    gatewayUrl: gateway.url,
    replicaUrl: replica.url,
    controllerUrl: controller.url,
    setFailureStatus: (s) => {
      failureStatus = s;
    },
    setDegraded: (r) => {
      degradedReason = r;
    },
    startTraffic: (rps, opts = {}) => {
      const synthetic = opts.synthetic ?? false;
      const previous = timers.get(synthetic);
      if (previous) clearInterval(previous);
      const started = Date.now();
      let due = 0;
      timers.set(
        synthetic,
        setInterval(() => {
          const target = Math.floor(((Date.now() - started) / 1000) * rps);
          for (; due < target; due++) send(synthetic);
        }, 50),
      );
    },
    failModelLoad: (reason) => loadFailures.inc({ model: 'two-tower', reason }),
    stopTraffic: async () => {
      stopTimers();
      await Promise.allSettled(inFlight);
    },
    sent: () => ({ ...counts }),
    close: async () => {
      stopTimers();
      await Promise.allSettled(inFlight);
      await Promise.all(
        [gateway, replica, controller].map(({ server }) => {
          const closed = new Promise((r) => server.close(r));
          server.closeAllConnections();
          return closed;
        }),
      );
    },
  };
}
