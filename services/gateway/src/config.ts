/**
 * Gateway configuration: one JSON object, parsed and validated here with errors that name the key.
 * Unknown keys are rejected too, so a typo (`"retry": false`) cannot silently leave retries on.
 */
import { ConfigError } from './errors.js';

export interface UpstreamConfig {
  /** Replica id, used in metrics (`upstream` label) and admin answers. */
  id: string;
  /** Base URL, `http://127.0.0.1:<port>` (no path). */
  url: string;
  /** Zone label, e.g. `zone-a`. */
  zone: string;
}

export type BalancerKind = 'p2c' | 'least-outstanding';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface HealthCheckConfig {
  /** Path probed on every upstream. */
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failed checks before a ready upstream is marked down. */
  unhealthyThreshold: number;
  /** Consecutive passed checks before a down upstream is marked up again. */
  healthyThreshold: number;
}

export interface OutlierConfig {
  /** Consecutive failed requests (5xx, connection error, timeout) that eject an upstream. */
  consecutiveFailures: number;
  /** First ejection lasts this long; each repeat doubles it, up to `maxEjectionMs`. */
  baseEjectionMs: number;
  maxEjectionMs: number;
}

export interface CanaryConfig {
  analysisIntervalMs: number;
  /** Attempts each cohort (baseline, candidate) must have before a decision. */
  minSamples: number;
  /** Requests carrying ground truth each cohort needs before NDCG@10 is compared; below it quality is not judged. */
  minGroundTruthSamples: number;
  /** Candidate error rate (and degraded rate) may exceed the baseline's by at most this much (absolute). */
  maxErrorRateIncrease: number;
  /** Candidate p99 may be at most this multiple of the baseline's ... */
  maxLatencyRatio: number;
  /** ... unless the difference is below this many milliseconds (noise floor). */
  minLatencyDeltaMs: number;
  /** Candidate mean NDCG@10 must be at least this fraction of the baseline's. */
  minNdcgRatio: number;
  /** Latency samples kept per cohort for the p99. */
  maxLatencySamples: number;
}

export interface GatewayConfig {
  host: string;
  /** 0 = any free port (read it back from the listening line / `start()`). */
  port: number;
  upstreams: UpstreamConfig[];
  /** Bearer token for the admin API (read + write). */
  adminToken: string;
  /** Bearer token allowed to read the admin API only (403 on changes); null = none. */
  readToken: string | null;
  /** Token the gateway sends to the replicas' admin API (canary deploy / rollback). Default: `adminToken`. */
  upstreamAdminToken: string;
  /** Whole-request deadline, all attempts included. */
  requestTimeoutMs: number;
  /** Deadline of one attempt (capped by what is left of the request deadline). */
  tryTimeoutMs: number;
  /** Retry a failed or timed-out idempotent request once on another upstream. */
  retries: boolean;
  /** Passive outlier detection and ejection. */
  ejection: boolean;
  /** Serve the cached popularity list (`degraded: true, reason: "no_upstream"`) when no upstream can answer. */
  fallback: boolean;
  /** Let the canary analysis promote / roll back on its own; off = routing and figures only. */
  canaryAnalysis: boolean;
  /** Proxied requests in flight above which new ones are shed with 503 + retry-after. */
  maxInFlight: number;
  retryAfterS: number;
  balancer: BalancerKind;
  /** How often the popularity list for the fallback is refreshed from a ready upstream. */
  popularRefreshMs: number;
  maxBodyBytes: number;
  healthCheck: HealthCheckConfig;
  outlier: OutlierConfig;
  canary: CanaryConfig;
  logLevel: LogLevel;
}

export const DEFAULT_HEALTH_CHECK: HealthCheckConfig = {
  path: '/readyz',
  intervalMs: 200,
  // Generous on purpose: a refused connection fails the check at once, and a stalled replica is
  // ejected sooner by the request timeouts; a tight timeout only marks busy replicas down.
  timeoutMs: 1_000,
  unhealthyThreshold: 2,
  healthyThreshold: 2,
};

export const DEFAULT_OUTLIER: OutlierConfig = {
  consecutiveFailures: 3,
  baseEjectionMs: 1_000,
  maxEjectionMs: 30_000,
};

export const DEFAULT_CANARY: CanaryConfig = {
  analysisIntervalMs: 1_000,
  minSamples: 100,
  minGroundTruthSamples: 30,
  maxErrorRateIncrease: 0.02,
  maxLatencyRatio: 1.5,
  minLatencyDeltaMs: 25,
  minNdcgRatio: 0.95,
  maxLatencySamples: 10_000,
};

const TOP_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  readToken: null,
  requestTimeoutMs: 1_000,
  tryTimeoutMs: 600,
  retries: true,
  ejection: true,
  fallback: true,
  canaryAnalysis: true,
  maxInFlight: 512,
  retryAfterS: 1,
  balancer: 'p2c' as BalancerKind,
  popularRefreshMs: 5_000,
  maxBodyBytes: 65_536,
  logLevel: 'info' as LogLevel,
};

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const BALANCERS: readonly BalancerKind[] = ['p2c', 'least-outstanding'];
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

type Obj = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, key: string): Obj {
  if (!isObject(value)) throw new ConfigError(key, `expected an object, got ${describe(value)}`);
  return value;
}

function rejectUnknown(obj: Obj, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new ConfigError(`${prefix}${k}`, `unknown key (allowed: ${allowed.join(', ')})`);
    }
  }
}

function integer(obj: Obj, name: string, prefix: string, min: number, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = obj[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new ConfigError(`${prefix}${name}`, `expected an integer ${range}, got ${describe(value)}`);
  }
  return value;
}

function ratio(obj: Obj, name: string, prefix: string, fallback: number, opts: { min?: number; max?: number } = {}): number {
  const value = obj[name];
  if (value === undefined) return fallback;
  const min = opts.min ?? 0;
  const max = opts.max ?? 1;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${prefix}${name}`, `expected a number in ${min}..${max}, got ${describe(value)}`);
  }
  return value;
}

function bool(obj: Obj, name: string, fallback: boolean): boolean {
  const value = obj[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(name, `expected true or false, got ${describe(value)}`);
  return value;
}

function str(obj: Obj, name: string, prefix: string, fallback?: string): string {
  const value = obj[name];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(`${prefix}${name}`, `expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

function oneOf<T extends string>(obj: Obj, name: string, allowed: readonly T[], fallback: T): T {
  const value = obj[name];
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** Validates an upstream list; `key` is the path used in errors (`upstreams`). Also used by `PUT /admin/upstreams`. */
export function parseUpstreams(value: unknown, key = 'upstreams'): UpstreamConfig[] {
  if (!Array.isArray(value)) throw new ConfigError(key, `expected an array of {id, url, zone}, got ${describe(value)}`);
  const seenIds = new Set<string>();
  const seenUrls = new Set<string>();
  return value.map((entry, i) => {
    const prefix = `${key}[${i}].`;
    const obj = object(entry, `${key}[${i}]`);
    rejectUnknown(obj, ['id', 'url', 'zone'], prefix);
    const id = str(obj, 'id', prefix);
    if (!ID_PATTERN.test(id)) throw new ConfigError(`${prefix}id`, `expected letters, digits, ".", "_" or "-" (max 63), got ${describe(id)}`);
    if (seenIds.has(id)) throw new ConfigError(`${prefix}id`, `duplicate upstream id "${id}"`);
    seenIds.add(id);
    const rawUrl = str(obj, 'url', prefix);
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new ConfigError(`${prefix}url`, `expected an http URL like http://127.0.0.1:8081, got ${describe(rawUrl)}`);
    }
    if (url.protocol !== 'http:' || !url.port || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
      throw new ConfigError(`${prefix}url`, `expected http://<host>:<port> with no path, got ${describe(rawUrl)}`);
    }
    const origin = url.origin;
    if (seenUrls.has(origin)) throw new ConfigError(`${prefix}url`, `duplicate upstream url "${origin}"`);
    seenUrls.add(origin);
    const zone = str(obj, 'zone', prefix, 'default');
    return { id, url: origin, zone };
  });
}

function parseHealthCheck(value: unknown): HealthCheckConfig {
  if (value === undefined) return { ...DEFAULT_HEALTH_CHECK };
  const obj = object(value, 'healthCheck');
  const p = 'healthCheck.';
  rejectUnknown(obj, Object.keys(DEFAULT_HEALTH_CHECK), p);
  const path = str(obj, 'path', p, DEFAULT_HEALTH_CHECK.path);
  if (!path.startsWith('/')) throw new ConfigError(`${p}path`, `expected a path starting with "/", got ${describe(path)}`);
  return {
    path,
    intervalMs: integer(obj, 'intervalMs', p, 10, DEFAULT_HEALTH_CHECK.intervalMs),
    timeoutMs: integer(obj, 'timeoutMs', p, 1, DEFAULT_HEALTH_CHECK.timeoutMs),
    unhealthyThreshold: integer(obj, 'unhealthyThreshold', p, 1, DEFAULT_HEALTH_CHECK.unhealthyThreshold, 100),
    healthyThreshold: integer(obj, 'healthyThreshold', p, 1, DEFAULT_HEALTH_CHECK.healthyThreshold, 100),
  };
}

function parseOutlier(value: unknown): OutlierConfig {
  if (value === undefined) return { ...DEFAULT_OUTLIER };
  const obj = object(value, 'outlier');
  const p = 'outlier.';
  rejectUnknown(obj, Object.keys(DEFAULT_OUTLIER), p);
  const out = {
    consecutiveFailures: integer(obj, 'consecutiveFailures', p, 1, DEFAULT_OUTLIER.consecutiveFailures, 1000),
    baseEjectionMs: integer(obj, 'baseEjectionMs', p, 1, DEFAULT_OUTLIER.baseEjectionMs),
    maxEjectionMs: integer(obj, 'maxEjectionMs', p, 1, DEFAULT_OUTLIER.maxEjectionMs),
  };
  if (out.maxEjectionMs < out.baseEjectionMs) {
    throw new ConfigError(`${p}maxEjectionMs`, `must be >= outlier.baseEjectionMs (${out.baseEjectionMs}), got ${out.maxEjectionMs}`);
  }
  return out;
}

function parseCanary(value: unknown): CanaryConfig {
  if (value === undefined) return { ...DEFAULT_CANARY };
  const obj = object(value, 'canary');
  const p = 'canary.';
  const d = DEFAULT_CANARY;
  rejectUnknown(obj, Object.keys(d), p);
  return {
    analysisIntervalMs: integer(obj, 'analysisIntervalMs', p, 10, d.analysisIntervalMs),
    minSamples: integer(obj, 'minSamples', p, 1, d.minSamples),
    minGroundTruthSamples: integer(obj, 'minGroundTruthSamples', p, 1, d.minGroundTruthSamples),
    maxErrorRateIncrease: ratio(obj, 'maxErrorRateIncrease', p, d.maxErrorRateIncrease),
    maxLatencyRatio: ratio(obj, 'maxLatencyRatio', p, d.maxLatencyRatio, { min: 1, max: 1000 }),
    minLatencyDeltaMs: integer(obj, 'minLatencyDeltaMs', p, 0, d.minLatencyDeltaMs),
    minNdcgRatio: ratio(obj, 'minNdcgRatio', p, d.minNdcgRatio),
    maxLatencySamples: integer(obj, 'maxLatencySamples', p, 100, d.maxLatencySamples, 1_000_000),
  };
}

const TOP_KEYS = [
  ...Object.keys(TOP_DEFAULTS),
  'upstreams',
  'adminToken',
  'upstreamAdminToken',
  'healthCheck',
  'outlier',
  'canary',
] as const;

/** Parses and validates a gateway config object (e.g. `JSON.parse` of the config file), filling defaults. */
export function parseConfig(raw: unknown): GatewayConfig {
  const obj = object(raw, '(root)');
  rejectUnknown(obj, TOP_KEYS, '');
  const d = TOP_DEFAULTS;
  const adminToken = str(obj, 'adminToken', '');
  const readToken = obj.readToken === undefined || obj.readToken === null ? null : str(obj, 'readToken', '');
  if (readToken !== null && readToken === adminToken) throw new ConfigError('readToken', 'must differ from adminToken');
  const host = str(obj, 'host', '', d.host);
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    throw new ConfigError('host', `expected a loopback address (127.0.0.1), got ${describe(host)}`);
  }
  const config: GatewayConfig = {
    host,
    port: integer(obj, 'port', '', 0, d.port, 65_535),
    upstreams: obj.upstreams === undefined ? [] : parseUpstreams(obj.upstreams),
    adminToken,
    readToken,
    upstreamAdminToken: str(obj, 'upstreamAdminToken', '', adminToken),
    requestTimeoutMs: integer(obj, 'requestTimeoutMs', '', 1, d.requestTimeoutMs),
    tryTimeoutMs: integer(obj, 'tryTimeoutMs', '', 1, d.tryTimeoutMs),
    retries: bool(obj, 'retries', d.retries),
    ejection: bool(obj, 'ejection', d.ejection),
    fallback: bool(obj, 'fallback', d.fallback),
    canaryAnalysis: bool(obj, 'canaryAnalysis', d.canaryAnalysis),
    maxInFlight: integer(obj, 'maxInFlight', '', 1, d.maxInFlight),
    retryAfterS: integer(obj, 'retryAfterS', '', 0, d.retryAfterS, 3600),
    balancer: oneOf(obj, 'balancer', BALANCERS, d.balancer),
    popularRefreshMs: integer(obj, 'popularRefreshMs', '', 100, d.popularRefreshMs),
    maxBodyBytes: integer(obj, 'maxBodyBytes', '', 256, d.maxBodyBytes),
    healthCheck: parseHealthCheck(obj.healthCheck),
    outlier: parseOutlier(obj.outlier),
    canary: parseCanary(obj.canary),
    logLevel: oneOf(obj, 'logLevel', LOG_LEVELS, d.logLevel),
  };
  if (config.tryTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigError('tryTimeoutMs', `must be <= requestTimeoutMs (${config.requestTimeoutMs}), got ${config.tryTimeoutMs}`);
  }
  return config;
}

/** What a caller states to start a gateway: the admin token, the rest optional (defaults as `parseConfig`). */
export type GatewayConfigInput = Partial<Omit<GatewayConfig, 'healthCheck' | 'outlier' | 'canary'>> & {
  adminToken: string;
  healthCheck?: Partial<HealthCheckConfig>;
  outlier?: Partial<OutlierConfig>;
  canary?: Partial<CanaryConfig>;
};

/**
 * The environment of a gateway process started with `config` (`GATEWAY_CONFIG`, which main.ts reads):
 * the config is checked here first, so a bad value fails in the caller with the key named, and what
 * the gateway reads back is exactly `parseConfig(config)`.
 */
export function gatewayConfigEnv(config: GatewayConfigInput): { GATEWAY_CONFIG: string } {
  return { GATEWAY_CONFIG: JSON.stringify(parseConfig(config)) };
}
