/**
 * The fault proxy as a provider: `drillbook proxy`'s authenticated fault API (services/proxy).
 * Faults carry the step's TTL and are removed by the proxy itself when it passes. Evidence is the
 * proxy's own count of the requests a fault acted on (`applied` in its fault list while active,
 * `drillbook_proxy_faults_applied_total{fault=<id>}` once it is gone), so a fault that matched no
 * request proves nothing.
 */
import { Ajv } from 'ajv';
import { PROXY_METRIC, proxyFaultRequestSchema, type ActiveProxyFault, type ProxyFaultListResponse, type ProxyFaultRequest, type ProxyProviderConfig } from '@drillbook/contracts';
import { parsePromText } from '../../engine/promText.js';
import { expandEnv, ProviderError, type ActiveProviderFault, type ClearResult, type FaultProvider, type InjectResult } from '../types.js';

/** A proxy fault without its TTL (the provider adds it). */
export type ProxyFault = ProxyFaultRequest extends infer F ? (F extends unknown ? Omit<F, 'ttlMs'> : never) : never;

const ajv = new Ajv({ allErrors: false, discriminator: true, strict: false, strictNumbers: true });
const validateFault = ajv.compile(proxyFaultRequestSchema);

/** Problems of a runbook's proxy fault against the proxy's own schema: `[field path, message]`, empty when valid. */
export function proxyFaultProblems(fault: unknown): Array<{ path: Array<string | number>; message: string }> {
  const body = fault && typeof fault === 'object' && !Array.isArray(fault) ? { ...(fault as object), ttlMs: 1000, note: undefined } : fault;
  if (validateFault(body)) return [];
  const errors = (validateFault.errors ?? []).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if');
  const e = errors[0];
  if (!e) return [{ path: [], message: 'not a valid proxy fault' }];
  const path: Array<string | number> = e.instancePath ? e.instancePath.slice(1).split('/').map((x) => (/^[0-9]+$/.test(x) ? Number(x) : x.replace(/~1/g, '/').replace(/~0/g, '~'))) : [];
  const p = e.params as Record<string, unknown>;
  const message =
    e.keyword === 'additionalProperties'
      ? `unknown field "${String(p.additionalProperty)}" for a ${(fault as { type?: string }).type} fault`
      : e.keyword === 'required'
        ? `missing required field "${String(p.missingProperty)}"`
        : `${e.message ?? e.keyword}`;
  return [{ path: e.keyword === 'additionalProperties' ? [...path, String(p.additionalProperty)] : path, message }];
}

export interface ProxyEndpoint {
  adminUrl: string;
  token: string;
}

/** The proxy's fault API from a runbook's `target.providers.proxy` (env expanded, token read from its variable). */
export function proxyEndpoint(cfg: ProxyProviderConfig, env: NodeJS.ProcessEnv = process.env): ProxyEndpoint {
  const adminUrl = expandEnv(cfg.adminUrl, 'target.providers.proxy.adminUrl', env).replace(/\/$/, '');
  const token = env[cfg.adminTokenEnv];
  if (!token) throw new ProviderError(`target.providers.proxy.adminTokenEnv: environment variable ${cfg.adminTokenEnv} (the proxy's admin token) is not set`);
  return { adminUrl, token };
}

export class ProxyProvider implements FaultProvider<ProxyFault> {
  readonly kind = 'proxy' as const;
  readonly expires = true;
  constructor(readonly endpoint: ProxyEndpoint) {}

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    let res: Response;
    try {
      res = await fetch(`${this.endpoint.adminUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.endpoint.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(3000),
      });
    } catch (e) {
      throw new ProviderError(`fault proxy ${this.endpoint.adminUrl} unreachable: ${(e as Error).cause ? String(((e as Error).cause as Error).message ?? (e as Error).cause) : (e as Error).message}`);
    }
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (res.status === 401 || res.status === 403) throw new ProviderError(`fault proxy ${this.endpoint.adminUrl}${path} answered ${res.status}: is the admin token right?`);
    if (res.status >= 400 && res.status !== 404) throw new ProviderError(`fault proxy ${method} ${path}: HTTP ${res.status} ${json?.error ?? text.slice(0, 300)}`);
    return { status: res.status, json };
  }

  async inject(fault: ProxyFault, ttlMs: number | null): Promise<InjectResult> {
    if (ttlMs === null) throw new ProviderError('a proxy fault needs a TTL');
    const r = await this.call('POST', '/faults', { ...fault, ttlMs });
    const f = r.json as ActiveProxyFault | null;
    if (r.status !== 201 || typeof f?.id !== 'string' || typeof f.match?.percentage !== 'number')
      throw new ProviderError(`fault proxy: no fault API at ${this.endpoint.adminUrl}/faults (it answered HTTP ${r.status} without a fault; is adminUrl the proxy's admin prefix, e.g. http://host:port/admin?)`);
    return { id: f.id, evidence: [`proxy lists ${f.type} fault ${f.id} active (${(f.remainingMs / 1000).toFixed(1)}s of ${ttlMs / 1000}s left, ${f.match.percentage}% of matching requests)`] };
  }

  async listActive(): Promise<ActiveProviderFault[]> {
    const r = await this.call('GET', '/faults');
    const faults = (r.json as ProxyFaultListResponse | null)?.faults;
    if (r.status !== 200 || !Array.isArray(faults)) throw new ProviderError(`fault proxy: no fault list at ${this.endpoint.adminUrl}/faults (HTTP ${r.status})`);
    return faults.map((f) => ({ id: f.id, type: f.type, remainingMs: f.remainingMs, applied: f.applied }));
  }

  /** Requests a fault acted on: from the fault list while it is active, from the proxy's counter once it is gone. */
  async applied(id: string): Promise<number> {
    const active = (await this.listActive()).find((f) => f.id === id);
    if (active) return active.applied ?? 0;
    let text: string;
    try {
      const res = await fetch(`${this.endpoint.adminUrl}/metrics`, { signal: AbortSignal.timeout(3000) });
      text = await res.text();
      if (!res.ok) return 0;
    } catch {
      return 0;
    }
    return parsePromText(text)
      .filter((s) => s.name === PROXY_METRIC.faultsApplied && s.labels.fault === id)
      .reduce((a, s) => a + s.value, 0);
  }

  async clear(id: string): Promise<ClearResult> {
    const n = await this.applied(id);
    const r = await this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
    const cleared = ((r.json?.cleared as string[] | undefined) ?? []).includes(id);
    return { cleared, evidence: [`proxy applied fault ${id} to ${n} request(s)${cleared ? '' : ' (it had already expired)'}`], applied: n };
  }
}
