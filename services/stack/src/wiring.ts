/**
 * What the stack starts its processes with, typed by the services that own the configs: a
 * replica's `ReplicaConfig` (`@drillbook/inference`, written out by its `replicaConfigEnv`) and the
 * gateway's `GatewayConfigInput` (`@drillbook/gateway`, written out by its `gatewayConfigEnv`).
 */
import type { GatewayConfigInput } from '@drillbook/gateway/config';
import { loadConfig, replicaConfigEnv, type ReplicaConfig } from '@drillbook/inference';
import { DEFAULT_CACHE_MAX_BYTES } from '@drillbook/inference/config';
import type { ReplicaHandle, StackInfo, StackOptions } from './Stack.js';

type ReplicaSlot = Pick<ReplicaHandle, 'id' | 'zone' | 'port' | 'registryDir' | 'stateFile'>;

/**
 * One replica's config: the replica's own defaults, the stack's placement (id, zone, loopback
 * port, registry, state file, admin token), the runbook's `stack.replica` tuning, one onnxruntime
 * thread unless tuned (and as many batches at once as inference workers); `replicaEnv` last, read
 * by the replica's loader so a bad value throws a `ConfigError` naming the variable before anything
 * starts.
 */
export function stackReplicaConfig(
  opts: Pick<StackOptions, 'replica' | 'replicaEnv' | 'logLevel' | 'modelStore'>,
  slot: ReplicaSlot,
  info: Pick<StackInfo, 'backupRoot' | 'publicKeyFile' | 'adminToken' | 'modelStore'>,
): ReplicaConfig {
  const r = opts.replica ?? {};
  const d = loadConfig({});
  const workers = r.ortWorkers ?? d.ortWorkers;
  const config: ReplicaConfig = {
    ...d,
    id: slot.id,
    zone: slot.zone,
    host: '127.0.0.1',
    port: slot.port,
    registry: {
      root: slot.registryDir,
      backup: info.backupRoot ?? undefined,
      publicKeyFile: info.publicKeyFile,
      stateFile: slot.stateFile,
      ...(info.modelStore ? { store: { url: info.modelStore.url, cache: opts.modelStore?.cache !== false, cacheMaxBytes: opts.modelStore?.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES } } : {}),
    },
    serving: {
      ...d.serving,
      fallback: r.fallback !== false,
      drift: { enabled: r.drift !== false, window: r.driftWindow || d.serving.drift.window },
      maxQueue: r.maxQueue || d.serving.maxQueue,
      deadlineMs: r.deadlineMs || d.serving.deadlineMs,
      featureTimeoutMs: r.featureTimeoutMs || d.serving.featureTimeoutMs,
      maxBatch: r.maxBatch || d.serving.maxBatch,
      emulatedBatchMs: r.batchMs || d.serving.emulatedBatchMs,
      maxDelayMs: r.maxDelayMs ?? d.serving.maxDelayMs,
      // A worker only gets a batch while fewer than maxConcurrentBatches are running.
      maxConcurrentBatches: Math.max(d.serving.maxConcurrentBatches, workers),
    },
    ortThreads: r.ortThreads ?? 1,
    ortWorkers: workers,
    adminToken: info.adminToken,
    logLevel: opts.logLevel ?? 'info',
    gpu: { ...d.gpu, pollMs: 10_000 },
  };
  if (!opts.replicaEnv) return config;
  return loadConfig({ ...replicaConfigEnv(config), ...opts.replicaEnv });
}

/** The gateway's config: loopback, any free port, the stack's admin token and replicas, the runbook's `stack.gateway` switches. */
export function stackGatewayConfig(opts: Pick<StackOptions, 'gateway' | 'logLevel'>, adminToken: string, replicas: ReadonlyArray<Pick<ReplicaHandle, 'id' | 'url' | 'zone'>>): GatewayConfigInput {
  const g = opts.gateway ?? {};
  return {
    host: '127.0.0.1',
    port: 0,
    adminToken,
    upstreams: replicas.map((m) => ({ id: m.id, url: m.url, zone: m.zone })),
    retries: g.retries !== false,
    ejection: g.ejection !== false,
    canaryAnalysis: g.canaryAnalysis !== false,
    fallback: g.fallback !== false,
    ...(g.maxInFlight ? { maxInFlight: g.maxInFlight } : {}),
    logLevel: (opts.logLevel ?? 'info') as GatewayConfigInput['logLevel'],
  };
}
