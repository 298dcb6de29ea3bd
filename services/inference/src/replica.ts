/**
 * One inference replica: registry + model host + feature store + micro-batching recommender +
 * faults + telemetry behind an HTTP server. `startReplica` is used by `main.ts` (a process) and by
 * tests (in-process, port 0).
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import type { AddressInfo } from 'node:net';
import { FALLBACK_REASONS, type ActiveFault } from '@drillbook/contracts';
import type { ReplicaConfig } from './config.js';
import { ConfigError } from './errors.js';
import { FaultRegistry } from './faults/faults.js';
import { CpuBurner } from './faults/cpuBurn.js';
import { createHandler } from './http/routes.js';
import { encryptionKeyFromEnv, publicKeyFrom } from './registry/crypto.js';
import { ModelRegistry } from './registry/registry.js';
import { FeatureStore } from './serving/featureStore.js';
import { ModelHost } from './serving/modelHost.js';
import { Recommender } from './serving/recommender.js';
import { BusyMeter } from './telemetry/busy.js';
import { readGpus, type Exec } from './telemetry/gpu.js';
import { createLogger, type Logger } from './telemetry/logger.js';
import { createMetrics, type ReplicaMetrics } from './telemetry/metrics.js';
import { startTracing, type TracingHandle } from './telemetry/tracing.js';
import type { ModelStoreClient } from './store/client.js';
import { openStoreClient } from './store/open.js';
import type { tracing } from '@opentelemetry/sdk-node';

export interface Replica {
  id: string;
  config: ReplicaConfig;
  url: string;
  server: Server;
  metrics: ReplicaMetrics;
  faults: FaultRegistry;
  host: ModelHost;
  registry: ModelRegistry;
  recommender: Recommender;
  logger: Logger;
  /** Resolves when the first model load attempt finished (successfully or not). */
  loaded: Promise<void>;
  close(): Promise<void>;
}

export interface ReplicaDeps {
  spanExporter?: tracing.SpanExporter;
  logDestination?: NodeJS.WritableStream;
  /** What a crash fault does; a process exits, tests substitute their own. */
  exit?: (code: number) => void;
  /** Runs nvidia-smi; tests substitute recorded output. */
  gpuExec?: Exec;
  env?: NodeJS.ProcessEnv;
}

export async function startReplica(config: ReplicaConfig, deps: ReplicaDeps = {}): Promise<Replica> {
  const logger = createLogger({ name: 'inference', level: config.logLevel, base: { replica: config.id, zone: config.zone }, destination: deps.logDestination });
  const tracingHandle: TracingHandle = await startTracing({
    serviceName: 'drillbook-inference',
    attributes: { 'service.instance.id': config.id, 'cloud.availability_zone': config.zone },
    exporter: config.tracesExporter,
    spanExporter: deps.spanExporter,
    onError: (e) => logger.warn({ err: String(e) }, 'tracing error (ignored)'),
  });
  if (!existsSync(config.registry.publicKeyFile)) {
    throw new ConfigError('MODEL_PUBLIC_KEY_FILE', `trusted public key ${config.registry.publicKeyFile} not found (run npm run model:build first)`);
  }
  const registry = new ModelRegistry({
    root: config.registry.root,
    backupRoot: config.registry.backup,
    publicKey: publicKeyFrom(readFileSync(config.registry.publicKeyFile, 'utf8')),
    encryptionKey: encryptionKeyFromEnv(deps.env ?? process.env),
  });
  const metrics = createMetrics();
  const store = config.registry.store
    ? openStoreClient({
        url: config.registry.store.url,
        cache: { enabled: config.registry.store.cache, maxBytes: config.registry.store.cacheMaxBytes },
        registry,
        metricsRegistry: metrics.registry,
        log: (msg, extra) => logger.warn({ store: config.registry.store!.url, ...extra }, msg),
      })
    : undefined;
  const burner = new CpuBurner();
  const exit = deps.exit ?? ((code: number) => process.exit(code));

  // Late-bound: hooks reference the host created below.
  let host!: ModelHost;
  const onFaultStart = async (f: ActiveFault) => {
    metrics.activeFaults.inc({ type: f.type });
    switch (f.type) {
      case 'crash':
        logger.fatal({ fault: f.id }, 'crash fault: exiting now');
        setTimeout(() => exit(f.exitCode ?? 1), 20);
        break;
      case 'model-load-failure':
        await host.unload('model-load-failure fault');
        break;
      case 'slow-warmup':
        await host.unload('slow-warmup fault: reloading with a slow warm-up');
        void host.reload('slow-warmup fault').catch((e) => logger.error({ err: e.message }, 'reload failed'));
        break;
      case 'corrupt-model':
        logger.warn({ result: await host.corruptStoredModel() }, 'corrupt-model fault: stored model damaged, reload attempted');
        break;
      case 'accelerator-saturation':
        burner.start(f.threads ?? 1);
        break;
    }
  };
  const onFaultEnd = async (f: ActiveFault) => {
    metrics.activeFaults.dec({ type: f.type });
    switch (f.type) {
      case 'model-load-failure':
        if (!faults.has('model-load-failure')) await host.reload('model-load-failure fault ended');
        break;
      case 'corrupt-model':
        host.restoreCorrupted();
        break;
      case 'accelerator-saturation':
        if (!faults.has('accelerator-saturation')) await burner.stop();
        break;
    }
  };
  const faults = new FaultRegistry(config.id, { onStart: onFaultStart, onEnd: onFaultEnd }, (msg, extra) => logger.warn(extra ?? {}, msg));
  const features = new FeatureStore(faults);
  const busy = new BusyMeter();
  let recommender!: Recommender;
  host = new ModelHost({
    registry,
    faults,
    metrics,
    logger,
    replica: config.id,
    ortThreads: config.ortThreads,
    ortWorkers: config.ortWorkers,
    ortSpin: config.ortSpin,
    ortInWorker: config.ortInWorker,
    ...(store ? { prepare: async (version: string, serving: string | undefined) => void (await store.ensure(version, serving ? [serving] : [])) } : {}),
    onSwap: (m) => {
      if (m && config.registry.stateFile) writeState(config.registry.stateFile, { version: m.version, sha256: m.sha256 });
      metrics.modelInfo.reset();
      metrics.modelReady.set(m ? 1 : 0);
      if (m) {
        metrics.modelInfo.set({ model: registry.name, version: m.version, sha256: m.sha256 }, 1);
        // Zero-initialise counters so rate() and absence alerts work before the first event.
        for (const reason of FALLBACK_REASONS) metrics.fallback.inc({ model: registry.name, reason }, 0);
        metrics.inferenceRequests.inc({ model: registry.name, version: m.version, result: 'success', reason: 'none' }, 0);
        recommender.onModel(m.features);
      }
    },
  });
  recommender = new Recommender({ ...config.serving, contention: () => faults.active('accelerator-saturation')?.threads ?? (faults.has('accelerator-saturation') ? 1 : 0) }, host, features, metrics, busy, config.id);

  // Gauges refreshed once a second: engine busy fraction, CPU saturation and drift.
  const cores = availableParallelism();
  const cpuSamples: Array<{ wall: number; cpu: number }> = [];
  const gaugeTimer = setInterval(() => {
    metrics.accelerator.set({ device: 'cpu0', kind: 'cpu' }, busy.ratio());
    const u = process.cpuUsage();
    cpuSamples.push({ wall: performance.now(), cpu: (u.user + u.system) / 1000 });
    while (cpuSamples.length > 11) cpuSamples.shift();
    if (cpuSamples.length > 1) {
      const a = cpuSamples[0];
      const b = cpuSamples[cpuSamples.length - 1];
      metrics.cpuSaturation.set(Math.min(1, (b.cpu - a.cpu) / ((b.wall - a.wall) * cores)));
    }
    const d = recommender.driftReadings();
    metrics.driftSamples.set(d.samples);
    for (const dim of ['query_category', 'user_segment'] as const) {
      const r = d[dim];
      if (r) {
        metrics.driftKl.set({ dimension: dim }, r.kl);
        metrics.driftPsi.set({ dimension: dim }, r.psi);
      }
    }
  }, 1000);
  gaugeTimer.unref();

  let gpuTimer: NodeJS.Timeout | undefined;
  const pollGpu = async () => {
    const snap = await readGpus(deps.gpuExec, config.gpu.executable).catch((e) => ({ present: false, devices: [], message: String(e) }));
    metrics.gpuPresent.set(snap.present ? 1 : 0);
    for (const g of snap.devices) {
      const labels = { device: `gpu${g.index}`, kind: 'gpu' };
      if (g.utilization !== null) metrics.accelerator.set(labels, g.utilization);
      if (g.memoryUsedBytes !== null) metrics.acceleratorMemUsed.set(labels, g.memoryUsedBytes);
      if (g.memoryTotalBytes !== null) metrics.acceleratorMemTotal.set(labels, g.memoryTotalBytes);
    }
    return snap;
  };
  if (config.gpu.pollMs > 0) {
    const first = await pollGpu();
    if (!first.present) logger.info({ reason: first.message }, 'no GPU: accelerator metrics report the CPU inference engine only');
    else gpuTimer = setInterval(() => void pollGpu(), config.gpu.pollMs);
    gpuTimer?.unref();
  } else {
    metrics.gpuPresent.set(0);
  }

  const replicaRef = { id: config.id, config, metrics, faults, host, registry, recommender, logger } as Replica;
  const server = createServer({ keepAliveTimeout: 65_000 }, createHandler(replicaRef));
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const loaded = initialLoad(config, registry, host, logger, store);

  return Object.assign(replicaRef, {
    url: `http://${config.host}:${port}`,
    server,
    loaded,
    async close() {
      clearInterval(gaugeTimer);
      if (gpuTimer) clearInterval(gpuTimer);
      faults.shutdown();
      await burner.stop();
      recommender.batcher.drain(new Error('replica shutting down'));
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await host.close();
      await tracingHandle.shutdown();
    },
  });
}

/** Serve the configured version, else the newest available (local, pulled from the source, or restored from backup). */
async function initialLoad(config: ReplicaConfig, registry: ModelRegistry, host: ModelHost, logger: Logger, store?: ModelStoreClient): Promise<void> {
  const pick = async () => {
    if (config.registry.version) return config.registry.version;
    const recorded = readState(config.registry.stateFile);
    if (recorded) return recorded;
    if (store) return store.latest().catch((e: Error) => void logger.error({ err: e.message }, 'model store unreachable and nothing cached: no version to start with'));
    const candidates = [...registry.list(), ...(config.registry.source ? registry.list(config.registry.source) : []), ...(config.registry.backup ? registry.list(config.registry.backup) : [])];
    return candidates[candidates.length - 1];
  };
  const version = await pick();
  if (!version) {
    logger.error({ registry: config.registry.root }, 'no model version available: serving nothing until one is deployed');
    return;
  }
  try {
    if (config.registry.source && !registry.list().includes(version) && registry.list(config.registry.source).includes(version)) {
      registry.pull(version, config.registry.source);
    }
    await host.deploy(version, 'startup');
  } catch (e) {
    logger.error({ err: (e as Error).message, version }, 'startup model load failed: not ready, serving the fallback where features are known');
  }
}

function writeState(file: string, state: { version: string; sha256: string }): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

function readState(file: string | undefined): string | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
