/**
 * The gateway's HTTP front: routing, the contract request-duration histogram, and the small
 * endpoints of its own (`/healthz`, `/readyz`, `/metrics`). Proxying and the admin API live in
 * `Proxy.ts` and `AdminApi.ts`.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { SYNTHETIC_HEADER, httpUrlScheme, matchOipPath, type OipPath } from '@drillbook/contracts';
import type { Logger } from 'pino';
import type { UpstreamPool } from '../health/UpstreamPool.js';
import { ROUTE, type Route } from '../telemetry/metricNames.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import type { AdminApi } from './AdminApi.js';
import { sendError, sendJson } from './body.js';
import type { PopularCache } from './PopularCache.js';
import type { Proxy } from './Proxy.js';

export interface ServerDeps {
  proxy: Proxy;
  admin: AdminApi;
  pool: UpstreamPool;
  popular: PopularCache;
  metrics: GatewayMetrics;
  logger: Logger;
  fallback: boolean;
}

interface RouteEntry {
  route: Route;
  methods: readonly string[];
}

const ROUTES = new Map<string, RouteEntry>([
  [ROUTE.recommend, { route: ROUTE.recommend, methods: ['POST'] }],
  [ROUTE.popular, { route: ROUTE.popular, methods: ['GET'] }],
  [ROUTE.healthz, { route: ROUTE.healthz, methods: ['GET'] }],
  [ROUTE.readyz, { route: ROUTE.readyz, methods: ['GET'] }],
  [ROUTE.metrics, { route: ROUTE.metrics, methods: ['GET'] }],
  [ROUTE.adminUpstreams, { route: ROUTE.adminUpstreams, methods: ['GET', 'PUT'] }],
  [ROUTE.adminCanary, { route: ROUTE.adminCanary, methods: ['GET', 'POST', 'DELETE'] }],
]);

/** `x-synthetic: true` (or 1) marks drill/load traffic. */
export function isSynthetic(req: http.IncomingMessage): boolean {
  const v = req.headers[SYNTHETIC_HEADER];
  return v === 'true' || v === '1';
}

export function createHttpServer(deps: ServerDeps): http.Server {
  const server = http.createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 120_000 }, (req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const q = req.url?.indexOf('?') ?? -1;
    const path = q === -1 ? (req.url ?? '/') : req.url!.slice(0, q);
    const entry = ROUTES.get(path);
    const oip = entry ? null : matchOipPath(path);
    const route = entry?.route ?? oip?.route ?? ROUTE.unmatched;
    const synthetic = isSynthetic(req);
    const scheme = httpUrlScheme('encrypted' in req.socket && Boolean(req.socket.encrypted), req.headers['x-forwarded-proto']);
    res.once('finish', () => deps.metrics.observeHttp(method, route, res.statusCode, synthetic, (performance.now() - started) / 1000, scheme));
    (oip ? dispatchOip(deps, oip, path, method, req, res) : dispatch(deps, entry, method, req, res)).catch((err: Error) => {
      deps.logger.error({ err: err.message, path }, 'request handler failed');
      sendError(res, 500, 'gateway error');
    });
  });
  return server;
}

/** The gateway's readiness: at least one replica takes traffic (`/readyz` and OIP `/v2/health/ready`). */
function readiness(deps: ServerDeps): { ready: boolean; upstreams: number; eligible: number; fallback: boolean; reason?: string } {
  const eligible = deps.pool.eligibleCount();
  const canFallback = deps.fallback && deps.popular.list !== null;
  const ready = eligible > 0;
  return {
    ready,
    upstreams: deps.pool.all.length,
    eligible,
    fallback: canFallback,
    ...(ready ? {} : { reason: deps.pool.all.length === 0 ? 'no upstream configured' : 'no upstream is ready' }),
  };
}

/**
 * Open Inference Protocol paths: liveness and readiness are the gateway's own; server and model
 * metadata, model readiness and inference are passed through to a replica like `/v1/recommend`.
 */
async function dispatchOip(deps: ServerDeps, oip: OipPath, path: string, method: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (method !== oip.method) {
    req.resume();
    return sendJson(res, 405, { error: `method ${method} not allowed on ${oip.route}; use ${oip.method}` }, { allow: oip.method });
  }
  if (oip.endpoint === 'live') {
    req.resume();
    return sendJson(res, 200, { live: true });
  }
  if (oip.endpoint === 'ready') {
    req.resume();
    const r = readiness(deps);
    return sendJson(res, r.ready ? 200 : 503, r);
  }
  return deps.proxy.oip(req, res, oip, path);
}

async function dispatch(deps: ServerDeps, entry: RouteEntry | undefined, method: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (!entry) {
    req.resume();
    if (req.url?.startsWith('/v2')) return sendJson(res, 404, { error: `path: no route ${method} ${req.url}` });
    return sendError(res, 404, `no route ${method} ${req.url}`, 'path');
  }
  if (entry.route === ROUTE.adminUpstreams) return deps.admin.handle('upstreams', req, res);
  if (entry.route === ROUTE.adminCanary) return deps.admin.handle('canary', req, res);
  if (!entry.methods.includes(method)) {
    req.resume();
    return sendError(res, 405, `method ${method} not allowed on ${entry.route}`, 'method', { allow: entry.methods.join(', ') });
  }
  switch (entry.route) {
    case ROUTE.recommend:
      return deps.proxy.recommend(req, res);
    case ROUTE.popular:
      return deps.proxy.popular(req, res);
    case ROUTE.healthz:
      return sendJson(res, 200, { ok: true });
    case ROUTE.readyz: {
      const r = readiness(deps);
      return sendJson(res, r.ready ? 200 : 503, r);
    }
    case ROUTE.metrics: {
      const text = await deps.metrics.render();
      res.writeHead(200, { 'content-type': deps.metrics.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
  }
}
