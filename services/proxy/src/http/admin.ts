/**
 * The proxy's own API under `<prefix>`: the same authenticated fault API as the replicas'
 * `/admin/faults` (admin token to change, read-only token to list; 401 without a known token, 403
 * for a change with the read-only one), plus `<prefix>/metrics` and `<prefix>/healthz` (no token,
 * like a replica's /metrics and /healthz).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROXY_FAULT_TYPES, type ProxyFaultClearResponse, type ProxyFaultListResponse, type ProxyFaultType } from '@drillbook/contracts';
import { accessOf, readJson, sendError, sendJson } from '@drillbook/inference/http/util';
import { BadRequest } from '../errors.js';
import type { ProxyConfig } from '../config.js';
import { parseProxyFault } from '../faults/parse.js';
import type { ProxyFaultRegistry } from '../faults/registry.js';
import type { ProxyMetrics } from '../telemetry/metrics.js';

export function createAdmin(config: ProxyConfig, faults: ProxyFaultRegistry, metrics: ProxyMetrics) {
  const P = config.adminPrefix;
  const upstream = config.upstream.href;
  const idRoute = new RegExp(`^${P.replace(/[.]/g, '\\.')}/faults/([0-9a-f-]{36})$`);

  function notAllowed(res: ServerResponse, allow: string): number {
    sendError(res, 405, `use ${allow.split(', ').join(' or ')}`, undefined, { allow });
    return 405;
  }

  async function faultsRoute(req: IncomingMessage, res: ServerResponse, path: string): Promise<number> {
    const access = accessOf(req, { admin: config.adminToken, readOnly: config.readOnlyToken });
    if (access === 'none') {
      sendError(res, 401, 'missing or unknown bearer token', undefined, { 'www-authenticate': 'Bearer' });
      return 401;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && access !== 'write') {
      sendError(res, 403, 'this token is read-only');
      return 403;
    }
    if (path === `${P}/faults`) {
      if (req.method === 'GET') {
        const body: ProxyFaultListResponse = { proxy: config.name, upstream, faults: faults.list() };
        return sendJson(res, 200, body), 200;
      }
      if (req.method === 'POST') {
        const f = parseProxyFault(await readJson(req));
        return sendJson(res, 201, faults.inject(f)), 201;
      }
      if (req.method === 'DELETE') {
        const type = new URL(req.url ?? '/', 'http://x').searchParams.get('type') ?? undefined;
        if (type !== undefined && !(PROXY_FAULT_TYPES as readonly string[]).includes(type)) {
          throw new BadRequest(`type: unknown fault type ${JSON.stringify(type)}; expected one of ${PROXY_FAULT_TYPES.join(', ')}`, 'type');
        }
        const body: ProxyFaultClearResponse = { proxy: config.name, cleared: faults.clear({ type: type as ProxyFaultType | undefined }) };
        return sendJson(res, 200, body), 200;
      }
      return notAllowed(res, 'GET, POST, DELETE');
    }
    const m = idRoute.exec(path);
    if (m) {
      if (req.method !== 'DELETE') return notAllowed(res, 'DELETE');
      const body: ProxyFaultClearResponse = { proxy: config.name, cleared: faults.clear({ id: m[1] }) };
      return sendJson(res, 200, body), 200;
    }
    sendError(res, 404, `no proxy route ${req.method} ${path}`);
    return 404;
  }

  return async function admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<number> {
    try {
      if (path === `${P}/metrics`) {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
        return 200;
      }
      if (path === `${P}/healthz`) return sendJson(res, 200, { alive: true, proxy: config.name, upstream }), 200;
      return await faultsRoute(req, res, path);
    } catch (e) {
      const status = e instanceof BadRequest ? e.status : 500;
      if (!res.headersSent) sendError(res, status, (e as Error).message, e instanceof BadRequest ? e.field : undefined);
      else res.destroy();
      return status;
    }
  };
}
