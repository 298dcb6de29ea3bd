/**
 * Replica configuration from environment variables, validated up front: a bad value stops the
 * replica with an error naming the variable. Defaults suit the embedded reference stack.
 */
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import type { ServingOptions } from './serving/recommender.js';
import type { TracesExporterKind } from './telemetry/tracing.js';

export interface ReplicaConfig {
  id: string;
  zone: string;
  host: string;
  port: number;
  registry: {
    /** This replica's local registry. */
    root: string;
    /** Backup location every published version is copied to; lost local versions are restored from it. */
    backup?: string;
    /** Shared publish location the replica pulls versions from when they are not local. */
    source?: string;
    publicKeyFile: string;
    /** Version to serve at start; default the one recorded in `stateFile`, else the newest available. */
    version?: string;
    /** Where the replica records the version it serves, so a restart serves it again (outside the registry, so it survives a lost registry). */
    stateFile?: string;
    /**
     * Remote model store (MODEL_STORE_URL: http(s)://… served by nginx, or s3://bucket/prefix): the
     * replica fetches versions from it into `root`, which becomes a verified cache with a size bound.
     */
    store?: { url: string; cache: boolean; cacheMaxBytes: number };
  };
  serving: ServingOptions;
  ortThreads: number;
  /** Inference workers, each with its own onnxruntime session (ORT_WORKERS, default 1); batches run on several at once with BATCH_CONCURRENCY >= this. */
  ortWorkers: number;
  /** onnxruntime intra-op threads spin-wait between operators (off by default in a replica: see SessionOptions.spin). */
  ortSpin: boolean;
  /** onnxruntime session in a worker thread (ORT_WORKER, default true) rather than on the event loop. */
  ortInWorker: boolean;
  /**
   * Serve the admin API (`/admin/faults`, `/admin/model`). Off (`ADMIN_API=off`): every `/admin/*`
   * path answers 404 like any unknown path, so the replica stands for a service Drillbook does not control.
   */
  adminApi: boolean;
  /** Admin API bearer token (read-write); without it the admin API answers 401. */
  adminToken: string;
  readOnlyToken?: string;
  logLevel: string;
  tracesExporter: TracesExporterKind;
  gpu: { pollMs: number; executable: string };
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, def: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (!/^-?[0-9]+$/.test(raw.trim())) throw new ConfigError(key, `expected an integer, got "${raw}"`);
  const v = Number(raw);
  if (v < min || v > max) throw new ConfigError(key, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

function bool(env: Env, key: string, def: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return def;
  if (/^(1|true|on|yes)$/i.test(raw)) return true;
  if (/^(0|false|off|no)$/i.test(raw)) return false;
  throw new ConfigError(key, `expected true/false, got "${raw}"`);
}

function name(env: Env, key: string, def: string): string {
  const v = env[key] ?? def;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(v)) throw new ConfigError(key, `expected a lowercase name (a-z, 0-9, -), got "${v}"`);
  return v;
}

export function loadConfig(env: Env = process.env): ReplicaConfig {
  const root = env.MODEL_REGISTRY ?? '.drillbook/models';
  const exporter = (env.OTEL_TRACES_EXPORTER ?? 'none') as TracesExporterKind;
  if (!['none', 'console', 'otlp'].includes(exporter)) throw new ConfigError('OTEL_TRACES_EXPORTER', `expected none, console or otlp, got "${exporter}"`);
  const host = env.HOST ?? '127.0.0.1';
  if (!/^[0-9.]+$|^localhost$|^::1$/.test(host)) throw new ConfigError('HOST', `expected an IP address, got "${host}"`);
  const level = env.LOG_LEVEL ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(level)) throw new ConfigError('LOG_LEVEL', `unknown level "${level}"`);
  return {
    id: name(env, 'REPLICA_ID', 'r0'),
    zone: name(env, 'REPLICA_ZONE', 'zone-a'),
    host,
    port: int(env, 'PORT', 8080, 0, 65535),
    registry: {
      root,
      backup: env.MODEL_BACKUP || undefined,
      source: env.MODEL_SOURCE || undefined,
      publicKeyFile: env.MODEL_PUBLIC_KEY_FILE ?? join(env.MODEL_SOURCE ?? root, '.keys', 'signing.pub.pem'),
      version: env.MODEL_VERSION || undefined,
      stateFile: env.STATE_FILE || undefined,
      ...(env.MODEL_STORE_URL ? { store: storeConfig(env) } : {}),
    },
    serving: {
      maxBatch: int(env, 'BATCH_MAX', 32, 1, 1024),
      maxDelayMs: int(env, 'BATCH_DELAY_MS', 2, 0, 1000),
      maxQueue: int(env, 'MAX_QUEUE', 256, 1, 100_000),
      maxConcurrentBatches: int(env, 'BATCH_CONCURRENCY', 1, 1, 16),
      deadlineMs: int(env, 'DEADLINE_MS', 200, 1, 60_000),
      featureTimeoutMs: int(env, 'FEATURE_TIMEOUT_MS', 50, 1, 60_000),
      fallback: bool(env, 'FALLBACK', true),
      emulatedBatchMs: int(env, 'EMULATED_BATCH_MS', 0, 0, 10_000),
      drift: { enabled: bool(env, 'DRIFT', true), window: int(env, 'DRIFT_WINDOW', 2000, 10, 1_000_000) },
    },
    ortThreads: int(env, 'ORT_THREADS', 0, 0, 64),
    ortWorkers: int(env, 'ORT_WORKERS', 1, 1, 16),
    ortSpin: bool(env, 'ORT_SPIN', false),
    ortInWorker: bool(env, 'ORT_WORKER', true),
    adminApi: bool(env, 'ADMIN_API', true),
    adminToken: env.ADMIN_TOKEN ?? '',
    readOnlyToken: env.READONLY_TOKEN || undefined,
    logLevel: level,
    tracesExporter: exporter,
    gpu: { pollMs: int(env, 'GPU_POLL_MS', 10_000, 0, 3_600_000), executable: env.NVIDIA_SMI ?? 'nvidia-smi' },
  };
}

/**
 * The environment that `loadConfig` reads back as `config`: every variable, so a replica started
 * with it depends on nothing else in its parent's environment. Used by the reference stack to start
 * its replicas from a typed config (`loadConfig(replicaConfigEnv(c))` deep-equals `c`).
 */
export function replicaConfigEnv(c: ReplicaConfig): Record<string, string> {
  const s = c.serving;
  return {
    REPLICA_ID: c.id,
    REPLICA_ZONE: c.zone,
    HOST: c.host,
    PORT: String(c.port),
    MODEL_REGISTRY: c.registry.root,
    MODEL_BACKUP: c.registry.backup ?? '',
    MODEL_SOURCE: c.registry.source ?? '',
    MODEL_PUBLIC_KEY_FILE: c.registry.publicKeyFile,
    MODEL_VERSION: c.registry.version ?? '',
    STATE_FILE: c.registry.stateFile ?? '',
    MODEL_STORE_URL: c.registry.store?.url ?? '',
    MODEL_CACHE: String(c.registry.store?.cache ?? true),
    MODEL_CACHE_MAX_BYTES: String(c.registry.store?.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES),
    BATCH_MAX: String(s.maxBatch),
    BATCH_DELAY_MS: String(s.maxDelayMs),
    MAX_QUEUE: String(s.maxQueue),
    BATCH_CONCURRENCY: String(s.maxConcurrentBatches),
    DEADLINE_MS: String(s.deadlineMs),
    FEATURE_TIMEOUT_MS: String(s.featureTimeoutMs),
    FALLBACK: String(s.fallback),
    EMULATED_BATCH_MS: String(s.emulatedBatchMs ?? 0),
    DRIFT: String(s.drift.enabled),
    DRIFT_WINDOW: String(s.drift.window),
    ORT_THREADS: String(c.ortThreads),
    ORT_WORKERS: String(c.ortWorkers),
    ORT_SPIN: String(c.ortSpin),
    ORT_WORKER: String(c.ortInWorker),
    ADMIN_API: String(c.adminApi),
    ADMIN_TOKEN: c.adminToken,
    READONLY_TOKEN: c.readOnlyToken ?? '',
    LOG_LEVEL: c.logLevel,
    OTEL_TRACES_EXPORTER: c.tracesExporter,
    GPU_POLL_MS: String(c.gpu.pollMs),
    NVIDIA_SMI: c.gpu.executable,
  };
}

export const DEFAULT_CACHE_MAX_BYTES = 1024 ** 3;

function storeConfig(env: Env): NonNullable<ReplicaConfig['registry']['store']> {
  const url = env.MODEL_STORE_URL!;
  if (!/^(https?:\/\/[^\s]+|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/\S*)?)$/.test(url)) throw new ConfigError('MODEL_STORE_URL', `expected http(s)://host[:port]/path or s3://bucket[/prefix], got "${url}"`);
  return { url, cache: bool(env, 'MODEL_CACHE', true), cacheMaxBytes: int(env, 'MODEL_CACHE_MAX_BYTES', DEFAULT_CACHE_MAX_BYTES, 1, Number.MAX_SAFE_INTEGER) };
}
