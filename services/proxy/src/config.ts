/** Proxy configuration: parsed and validated once, with the bad key named; defaults filled in. */
import { ConfigError } from './errors.js';

export interface ProxyConfig {
  /** Where requests go: http(s)://host[:port][/base-path]. */
  upstream: URL;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Bearer token that may inject and clear faults. */
  adminToken: string;
  /** Bearer token that may only list faults (403 on changes). */
  readOnlyToken?: string;
  /** Path prefix of the proxy's own API (`<prefix>/faults`, `<prefix>/metrics`, `<prefix>/healthz`); everything else is proxied. */
  adminPrefix: string;
  /** An upstream exchange idle this long is abandoned with 504 (or a reset, once the answer has started). */
  upstreamTimeoutMs: number;
  /** On SIGTERM, requests in flight get this long to finish. */
  shutdownGraceMs: number;
  /** Name reported by the fault API (`proxy` field). */
  name: string;
}

export interface ProxyOptions {
  upstream?: string;
  listen?: string;
  adminToken?: string;
  readOnlyToken?: string;
  adminPrefix?: string;
  upstreamTimeoutMs?: number | string;
  shutdownGraceMs?: number | string;
  name?: string;
}

function int(key: string, v: number | string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'number' ? v : /^[0-9]+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(key, `expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
}

export function parseConfig(o: ProxyOptions): ProxyConfig {
  if (!o.upstream) throw new ConfigError('upstream', 'is required (e.g. http://127.0.0.1:8080)');
  let upstream: URL;
  try {
    upstream = new URL(o.upstream);
  } catch {
    throw new ConfigError('upstream', `not a URL: ${JSON.stringify(o.upstream)}`);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new ConfigError('upstream', `expected an http:// or https:// URL, got ${upstream.protocol}`);
  if (upstream.search || upstream.hash || upstream.username) throw new ConfigError('upstream', 'must not carry a query, fragment or credentials');
  const listen = o.listen ?? '127.0.0.1:0';
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(listen);
  if (!m) throw new ConfigError('listen', `expected HOST:PORT (e.g. 127.0.0.1:8090), got ${JSON.stringify(listen)}`);
  const port = Number(m[2]);
  if (port > 65535) throw new ConfigError('listen', `port ${port} is out of range`);
  if (!o.adminToken) throw new ConfigError('admin-token', 'is required: the fault API is never open');
  if (o.adminToken.length < 8) throw new ConfigError('admin-token', 'must be at least 8 characters');
  if (o.readOnlyToken !== undefined && o.readOnlyToken === o.adminToken) throw new ConfigError('read-token', 'must differ from the admin token');
  const adminPrefix = (o.adminPrefix ?? '/admin').replace(/\/+$/, '');
  if (!/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(adminPrefix)) throw new ConfigError('admin-prefix', `expected a path such as /admin or /_proxy, got ${JSON.stringify(o.adminPrefix)}`);
  return {
    upstream,
    host: m[1].replace(/^\[|\]$/g, ''),
    port,
    adminToken: o.adminToken,
    readOnlyToken: o.readOnlyToken || undefined,
    adminPrefix,
    upstreamTimeoutMs: int('upstream-timeout-ms', o.upstreamTimeoutMs, 60_000, 1, 3_600_000),
    shutdownGraceMs: int('shutdown-grace-ms', o.shutdownGraceMs, 10_000, 0, 600_000),
    name: o.name ?? 'proxy',
  };
}
