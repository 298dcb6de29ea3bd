/**
 * The replica's Prometheus metrics: the DESIGN.md metric contract (names, labels and buckets exactly
 * as listed) plus drift, fault and GPU gauges. One registry per replica instance, so several replicas
 * can live in one test process; default Node metrics are registered into it. Replica and zone are
 * not metric labels: Prometheus attaches them per scrape target, keeping the contract labels exact.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  BATCH_SIZE_BUCKETS,
  HTTP_DURATION_BUCKETS_SECONDS,
  INFERENCE_DURATION_BUCKETS_SECONDS,
  METRIC,
  METRIC_LABELS,
} from '@drillbook/contracts';

export type ReplicaMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const labels = <K extends keyof typeof METRIC_LABELS>(k: K) => [...METRIC_LABELS[k]] as string[];

  const m = {
    registry,
    httpDuration: new Histogram({
      name: METRIC.httpServerDuration,
      help: 'Duration of HTTP server requests, seconds.',
      labelNames: labels(METRIC.httpServerDuration),
      buckets: [...HTTP_DURATION_BUCKETS_SECONDS],
      registers: [registry],
    }),
    inferenceRequests: new Counter({
      name: METRIC.inferenceRequests,
      help: 'Recommendation requests that reached the model path, by result (success|failure) and reason.',
      labelNames: labels(METRIC.inferenceRequests),
      registers: [registry],
    }),
    inferenceDuration: new Histogram({
      name: METRIC.inferenceDuration,
      help: 'Time one batch spent in onnxruntime session.run, seconds.',
      labelNames: labels(METRIC.inferenceDuration),
      buckets: [...INFERENCE_DURATION_BUCKETS_SECONDS],
      registers: [registry],
    }),
    queueDuration: new Histogram({
      name: METRIC.inferenceQueueDuration,
      help: 'Time a request waited in the batching queue, seconds.',
      labelNames: labels(METRIC.inferenceQueueDuration),
      buckets: [...INFERENCE_DURATION_BUCKETS_SECONDS],
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: METRIC.inferenceBatchSize,
      help: 'Requests per executed batch.',
      labelNames: labels(METRIC.inferenceBatchSize),
      buckets: [...BATCH_SIZE_BUCKETS],
      registers: [registry],
    }),
    pending: new Gauge({
      name: METRIC.inferencePending,
      help: 'Requests waiting for or inside a batch.',
      labelNames: labels(METRIC.inferencePending),
      registers: [registry],
    }),
    fallback: new Counter({
      name: METRIC.fallback,
      help: 'Requests answered from the popularity fallback or a reduced model (degraded), by reason.',
      labelNames: labels(METRIC.fallback),
      registers: [registry],
    }),
    modelInfo: new Gauge({
      name: METRIC.modelInfo,
      help: 'Model version this replica serves (value 1).',
      labelNames: labels(METRIC.modelInfo),
      registers: [registry],
    }),
    accelerator: new Gauge({
      name: METRIC.acceleratorUtilization,
      help: 'Busy fraction of the inference engine (kind=cpu, from session.run busy time) or of a GPU (kind=gpu, from nvidia-smi).',
      labelNames: labels(METRIC.acceleratorUtilization),
      registers: [registry],
    }),
    acceleratorMemUsed: new Gauge({ name: METRIC.acceleratorMemoryUsed, help: 'GPU memory used, bytes (nvidia-smi).', labelNames: ['device', 'kind'], registers: [registry] }),
    acceleratorMemTotal: new Gauge({ name: METRIC.acceleratorMemoryTotal, help: 'GPU memory total, bytes (nvidia-smi).', labelNames: ['device', 'kind'], registers: [registry] }),
    gpuPresent: new Gauge({ name: METRIC.acceleratorPresent, help: '1 when nvidia-smi reported at least one GPU, 0 when none (inference runs on CPU).', registers: [registry] }),
    driftKl: new Gauge({ name: METRIC.driftKl, help: 'KL divergence of the live input distribution from training (sliding window).', labelNames: ['dimension'], registers: [registry] }),
    driftPsi: new Gauge({ name: METRIC.driftPsi, help: 'Population stability index of the live input distribution against training (sliding window).', labelNames: ['dimension'], registers: [registry] }),
    driftSamples: new Gauge({ name: METRIC.driftWindowSamples, help: 'Requests in the drift window.', registers: [registry] }),
    activeFaults: new Gauge({ name: METRIC.activeFaults, help: 'Faults currently injected, by type.', labelNames: ['type'], registers: [registry] }),
    shed: new Counter({ name: METRIC.shedRequests, help: 'Requests refused because the inference queue was full.', labelNames: ['reason'], registers: [registry] }),
    modelLoadFailures: new Counter({ name: METRIC.modelLoadFailures, help: 'Model versions refused at load (integrity, signature, decryption or runtime errors).', labelNames: ['model', 'reason'], registers: [registry] }),
    registryRestores: new Counter({ name: METRIC.registryRestores, help: 'Model versions restored from the backup location.', labelNames: ['model', 'version'], registers: [registry] }),
    modelReady: new Gauge({ name: METRIC.modelReady, help: '1 when a model is loaded and warm.', registers: [registry] }),
    cpuSaturation: new Gauge({
      name: METRIC.cpuSaturation,
      help: 'CPU time used by this replica process (all threads, competing work included) per second of wall time per core, last 10 s: how saturated the CPU the engine runs on is.',
      registers: [registry],
    }),
  };
  return m;
}
