/**
 * Replica HTTP routes: the serving API, health, metrics and the authenticated admin API (faults,
 * model deploy/rollback). Bad requests get a 4xx JSON error naming the field — never a 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, isSpanContextValid, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ADMIN_PATHS, SYNTHETIC_HEADER, httpServerErrorType, httpUrlScheme, type ReadinessBody } from '@drillbook/contracts';
import { BadRequest, ModelRegistryError, ModelUnavailable } from '../errors.js';
import { parseFaultRequest, sampleDelay } from '../faults/faults.js';
import { NoFallback, Overloaded, type RecommendInput } from '../serving/recommender.js';
import { SPAN, tracer } from '../telemetry/tracing.js';
import type { Replica } from '../replica.js';
import { createOipHandler } from './oip.js';
import { accessOf, readJson, sendAnswer, sendError, sendJson, type ServingProtocol, type ServingRequest } from './util.js';

const RECOMMEND_FIELDS = new Set(['userId', 'query', 'k']);

export function parseRecommend(body: unknown): RecommendInput {
  if (body === undefined) throw new BadRequest('body is required: {"userId": "u-1", "query": "...", "k": 10}', 'body');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('body must be a JSON object', 'body');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!RECOMMEND_FIELDS.has(key)) throw new BadRequest(`unknown field ${key}; expected userId, query, k`, key);
  if (typeof b.userId !== 'string' || b.userId.length === 0) throw new BadRequest('userId must be a non-empty string', 'userId');
  if (b.userId.length > 64) throw new BadRequest('userId is longer than 64 characters', 'userId');
  if (b.query !== undefined && typeof b.query !== 'string') throw new BadRequest('query must be a string', 'query');
  if (typeof b.query === 'string' && b.query.length > 512) throw new BadRequest('query is longer than 512 characters', 'query');
  if (b.k === undefined) throw new BadRequest('k is required (1..100)', 'k');
  if (typeof b.k !== 'number' || !Number.isInteger(b.k)) throw new BadRequest('k must be an integer', 'k');
  if (b.k < 1 || b.k > 100) throw new BadRequest(`k must be between 1 and 100, got ${b.k}`, 'k');
  return { userId: b.userId, query: b.query as string | undefined, k: b.k };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createHandler(replica: Replica) {
  const { metrics, faults, host, recommender, logger, config } = replica;

  /**
   * The one serving path of every protocol (`/v1/recommend`, OIP `/v2/.../infer`): faults, then the
   * request read by the protocol, then the recommender (batching, deadlines, fallback, metrics), then
   * the answer written by the protocol. Protocols differ only in how they read, answer and refuse.
   */
  async function serve(req: IncomingMessage, res: ServerResponse, protocol: ServingProtocol): Promise<number> {
    const synthetic = req.headers[SYNTHETIC_HEADER] === 'true';
    const span = tracer().startSpan(SPAN.request, { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.route': protocol.route, synthetic } });
    return context.with(trace.setSpan(context.active(), span), async () => {
      let status = 200;
      let request: ServingRequest | undefined;
      try {
        const hang = faults.active('hang');
        if (hang && Math.random() < hang.rate) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, Math.max(0, new Date(hang.expiresAt).getTime() - Date.now()));
            res.on('close', () => {
              clearTimeout(t);
              resolve();
            });
          });
          if (!res.writableEnded && !res.destroyed) req.socket.destroy();
          return (status = 0);
        }
        const lat = faults.active('latency');
        if (lat && Math.random() < lat.rate) await sleep(sampleDelay(lat));
        const err = faults.active('error');
        if (err && Math.random() < err.rate) {
          status = err.status ?? 503;
          protocol.refuse(res, status, 'injected fault: error');
          return status;
        }
        request = protocol.read(await readJson(req, protocol.maxBodyBytes));
        const { inputs } = request;
        const outs = await recommender.recommendAll(inputs, span);
        if (isSpanContextValid(span.spanContext())) {
          const traceId = span.spanContext().traceId;
          for (const out of outs) out.traceId = traceId;
        }
        sendAnswer(res, request.answer(outs), replica.id);
        if (logger.isLevelEnabled('debug')) {
          const out = outs[0];
          logger.debug({ route: protocol.route, rows: inputs.length, userId: inputs[0].userId, k: inputs[0].k, degraded: out.degraded, reason: out.reason, synthetic }, 'recommend');
        }
        return status;
      } catch (caught) {
        const e = caught instanceof BadRequest && request?.relocate ? request.relocate(caught, caught.row ?? 0) : caught;
        if (e instanceof BadRequest) status = e.status;
        else if (e instanceof Overloaded) status = 503;
        else if (e instanceof NoFallback) status = 503;
        else status = 500;
        if (status >= 500) logger.error({ err: (e as Error).message }, 'recommend failed');
        else logger.debug({ err: (e as Error).message }, 'bad request');
        if (!res.headersSent) {
          if (e instanceof BadRequest) protocol.refuse(res, status, e.message, e.field);
          else if (e instanceof Overloaded) protocol.refuse(res, 503, 'overloaded: request shed', undefined, { 'retry-after': '1' });
          else protocol.refuse(res, status, (e as Error).message);
        }
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
        return status;
      } finally {
        span.setAttribute('http.response.status_code', status);
        span.end();
      }
    });
  }

  const v1: ServingProtocol = {
    route: '/v1/recommend',
    read: (body) => ({ inputs: [parseRecommend(body)], answer: (outs) => outs[0] }),
    refuse: sendError,
  };
  const oip = createOipHandler(replica, serve);

  function readiness(): { status: number; body: ReadinessBody } {
    const m = host.model;
    const body: ReadinessBody = {
      ready: m !== null,
      replica: replica.id,
      zone: config.zone,
      model: m ? { name: host.name, version: m.version, sha256: m.sha256 } : null,
      ...(m ? {} : { reason: host.lastError ?? 'model not loaded' }),
    };
    return { status: m ? 200 : 503, body };
  }

  async function admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<number> {
    const access = accessOf(req, { admin: config.adminToken, readOnly: config.readOnlyToken });
    if (access === 'none') {
      sendError(res, 401, 'missing or unknown bearer token', undefined, { 'www-authenticate': 'Bearer' });
      return 401;
    }
    const write = req.method !== 'GET';
    if (write && access !== 'write') {
      sendError(res, 403, 'this token is read-only');
      return 403;
    }
    if (path === ADMIN_PATHS.faults) {
      if (req.method === 'GET') return sendJson(res, 200, { replica: replica.id, faults: faults.list() }), 200;
      if (req.method === 'POST') {
        const f = parseFaultRequest(await readJson(req));
        const active = faults.inject(f);
        sendJson(res, 201, active);
        return 201;
      }
      if (req.method === 'DELETE') {
        const u = new URL(req.url ?? '/', 'http://x');
        const type = u.searchParams.get('type') ?? undefined;
        const removed = faults.clear({ type: type as never });
        return sendJson(res, 200, { replica: replica.id, cleared: removed.map((f) => f.id) }), 200;
      }
    }
    const faultId = path.startsWith(`${ADMIN_PATHS.faults}/`) ? path.slice(ADMIN_PATHS.faults.length + 1) : null;
    if (faultId !== null && /^[0-9a-f-]{36}$/.test(faultId) && req.method === 'DELETE') {
      const removed = faults.clear({ id: faultId });
      return sendJson(res, 200, { replica: replica.id, cleared: removed.map((f) => f.id) }), 200;
    }
    if (path === ADMIN_PATHS.model) {
      if (req.method === 'GET') return sendJson(res, 200, host.state()), 200;
      if (req.method === 'POST') {
        const body = (await readJson(req)) as { version?: unknown } | undefined;
        if (!body || typeof body.version !== 'string' || !body.version) throw new BadRequest('version is required', 'version');
        return sendJson(res, 200, await host.deploy(body.version, 'api')), 200;
      }
    }
    if (path === ADMIN_PATHS.modelRollback && req.method === 'POST') return sendJson(res, 200, await host.rollback()), 200;
    sendError(res, 404, `no admin route ${req.method} ${path}`);
    return 404;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    let route = 'other';
    let status = 500;
    try {
      if (path === '/v1/recommend') {
        route = '/v1/recommend';
        if (req.method !== 'POST') status = (sendError(res, 405, 'use POST', undefined, { allow: 'POST' }), 405);
        else status = await serve(req, res, v1);
      } else if (path === '/healthz') {
        route = path;
        status = (sendJson(res, 200, { alive: true, replica: replica.id }), 200);
      } else if (path === '/readyz') {
        route = path;
        const r = readiness();
        status = (sendJson(res, r.status, r.body), r.status);
      } else if (path === '/metrics') {
        route = path;
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
        status = 200;
      } else if (path === '/v1/popular') {
        route = path;
        const p = recommender.popular();
        status = p ? (sendJson(res, 200, p), 200) : (sendError(res, 503, 'no model features loaded yet'), 503);
      } else if (path === '/v2' || path.startsWith('/v2/')) {
        const answered = await oip.handle(req, res, path);
        route = answered.route;
        status = answered.status;
      } else if (path.startsWith('/admin/') && config.adminApi) {
        route = '/admin';
        status = await admin(req, res, path);
      } else {
        status = (sendError(res, 404, `no route ${path}`), 404);
      }
    } catch (e) {
      if (e instanceof BadRequest) status = e.status;
      else if (e instanceof ModelRegistryError || e instanceof ModelUnavailable) status = 409;
      else status = 500;
      if (status === 500) logger.error({ err: (e as Error).stack }, 'request failed');
      if (!res.headersSent) sendError(res, status, (e as Error).message, e instanceof BadRequest ? e.field : undefined);
      else res.destroy();
    } finally {
      if (status !== 0) {
        metrics.httpDuration.observe(
          {
            http_request_method: req.method ?? 'GET',
            http_route: route,
            http_response_status_code: String(status),
            synthetic: req.headers[SYNTHETIC_HEADER] === 'true' ? 'true' : 'false',
            url_scheme: httpUrlScheme('encrypted' in req.socket && Boolean(req.socket.encrypted), req.headers['x-forwarded-proto']),
            error_type: httpServerErrorType(status),
          },
          (performance.now() - started) / 1000,
        );
      }
    }
  };
}
