/**
 * The data path: `POST /v1/recommend`, `GET /v1/popular` and the Open Inference Protocol's model
 * endpoints (`/v2`, `/v2/models/...`, all idempotent) go to one upstream
 * chosen by the balancer; a failed (5xx, connection error) or timed-out attempt is retried once
 * on another upstream within the request deadline; 4xx is never retried. Over `maxInFlight` a
 * request is shed with 503 + retry-after. When no upstream can answer, the cached popularity
 * list is served as a degraded answer (`reason: "no_upstream"`, `replica: "gateway"`), for OIP
 * inference as an inference response whose `degraded` output is true.
 */
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  GROUND_TRUTH_HEADER,
  OipRequestError,
  REPLICA_HEADER,
  SYNTHETIC_HEADER,
  ndcgAtK,
  parseRecsysInferRequest,
  recsysInferResponse,
  type OipInferResponse,
  type OipPath,
  type RecommendResponse,
} from '@drillbook/contracts';
import type { Logger } from 'pino';
import type { CanaryController } from '../canary/CanaryController.js';
import { parseGroundTruth } from '../canary/ndcg.js';
import type { GatewayConfig } from '../config.js';
import { BadRequestError, UpstreamError, type UpstreamFailureKind } from '../errors.js';
import type { OutlierDetector } from '../health/OutlierDetector.js';
import type { Upstream } from '../health/Upstream.js';
import type { UpstreamPool } from '../health/UpstreamPool.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import { readBody, sendError, sendJson } from './body.js';
import type { PopularCache } from './PopularCache.js';
import { MAX_K, parseRecommendRequest } from './recommendRequest.js';
import { type AttemptResponse, sendAttempt } from './upstreamRequest.js';

/** A retry needs at least this much of the request deadline left to be worth sending. */
const MIN_RETRY_BUDGET_MS = 10;
const PASS_THROUGH_HEADERS = [SYNTHETIC_HEADER, GROUND_TRUTH_HEADER, 'traceparent', 'tracestate', 'x-request-id', 'accept', 'inference-header-content-length'] as const;
export const ATTEMPTS_HEADER = 'x-drillbook-attempts';

export interface ProxyDeps {
  config: GatewayConfig;
  pool: UpstreamPool;
  outlier: OutlierDetector;
  canary: CanaryController;
  popular: PopularCache;
  metrics: GatewayMetrics;
  agent: http.Agent;
  logger: Logger;
}

/** What is proxied: `/v1/recommend`, `/v1/popular`, or an OIP path (`oip` carries which). */
type Route = 'recommend' | 'popular' | 'oip';

interface Forwarded {
  route: Route;
  /** Set for `oip`. */
  oip?: OipPath;
  /** The path sent upstream. */
  path: string;
}

/** What a successful answer says, whichever protocol carried it (for served NDCG and the canary). */
interface AnswerSummary {
  itemIds: string[] | null;
  degraded: boolean;
  version: string | null;
}

interface LastFailure {
  response: AttemptResponse | null;
  error: UpstreamError | null;
}

export class Proxy {
  private inFlight = 0;

  constructor(private readonly deps: ProxyDeps) {}

  get requestsInFlight(): number {
    return this.inFlight;
  }

  recommend(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    return this.handle({ route: 'recommend', path: '/v1/recommend' }, req, res);
  }

  popular(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    return this.handle({ route: 'popular', path: '/v1/popular' }, req, res);
  }

  /** An Open Inference Protocol request (server or model metadata, model readiness, inference), passed through as it came. */
  oip(req: http.IncomingMessage, res: http.ServerResponse, path: OipPath, rawPath: string): Promise<void> {
    return this.handle({ route: 'oip', oip: path, path: rawPath }, req, res);
  }

  private async handle(what: Forwarded, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const route = what.route;
    const { config, metrics } = this.deps;
    if (this.inFlight >= config.maxInFlight) {
      metrics.countShed();
      req.resume();
      sendJson(res, 503, { error: `gateway overloaded: ${this.inFlight} requests in flight (maxInFlight ${config.maxInFlight})`, reason: 'overload' }, { 'retry-after': String(config.retryAfterS) });
      return;
    }
    this.inFlight += 1;
    metrics.setInFlight(this.inFlight);
    try {
      const body = route === 'recommend' || what.oip?.method === 'POST' ? await readBody(req, config.maxBodyBytes) : null;
      if (body === null) req.resume();
      await this.forward(what, req, res, body);
    } catch (err) {
      if (err instanceof BadRequestError) {
        // OIP errors are `{"error"}` only, the field named in the message.
        if (route === 'oip') sendJson(res, err.status, { error: `${err.field}: ${err.message}` });
        else sendError(res, err.status, err.message, err.field);
      } else {
        this.deps.logger.error({ err: (err as Error).message, route }, 'proxy failed');
        sendError(res, 500, 'gateway error');
      }
    } finally {
      this.inFlight -= 1;
      metrics.setInFlight(this.inFlight);
    }
  }

  private async forward(what: Forwarded, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer | null): Promise<void> {
    const { config, pool, canary, outlier, metrics, agent } = this.deps;
    const route = what.route;
    const deadline = performance.now() + config.requestTimeoutMs;
    // Requests that ask for a ranking: scored, counted into the canary cohorts, routed by the canary weight.
    const ranks = route === 'recommend' || what.oip?.endpoint === 'infer';
    const groundTruth = ranks ? parseGroundTruth(req.headers[GROUND_TRUTH_HEADER]) : null;
    const request = {
      method: route === 'recommend' ? 'POST' : route === 'popular' ? 'GET' : what.oip!.method,
      path: what.path,
      headers: forwardHeaders(req.headers, body),
      body,
    };
    const prefer = ranks ? canary.preference() : null;
    let tried: Upstream | null = null;
    let retryReason: UpstreamFailureKind | null = null;
    let last: LastFailure | null = null;
    for (let attempt = 1; ; attempt++) {
      const u = pool.pick(tried, prefer ?? undefined);
      if (u === null) return this.withoutUpstream(what, res, body, groundTruth, last, attempt - 1);
      if (retryReason !== null) metrics.countRetry(retryReason);
      const timeoutMs = Math.max(1, Math.min(config.tryTimeoutMs, Math.floor(deadline - performance.now())));
      const started = performance.now();
      let response: AttemptResponse | null = null;
      let error: UpstreamError | null = null;
      u.inFlight += 1;
      try {
        response = await sendAttempt(agent, u, request, timeoutMs);
      } catch (err) {
        error = err instanceof UpstreamError ? err : new UpstreamError(u.id, 'connect_error', (err as Error).message, { cause: err });
      } finally {
        u.inFlight -= 1;
      }
      const latencyMs = performance.now() - started;
      if (response !== null && response.status < 500) {
        outlier.onSuccess(u);
        metrics.countUpstreamRequest(u.id, String(response.status));
        if (ranks) this.observeAnswer(route, u, response, groundTruth, latencyMs);
        relay(res, response, u, attempt);
        return;
      }
      const kind: UpstreamFailureKind = error ? error.kind : 'server_error';
      metrics.countUpstreamRequest(u.id, error ? (error.kind === 'timeout' ? 'timeout' : 'error') : String(response?.status));
      outlier.onFailure(u, kind, error?.code);
      if (ranks) canary.record(u.model?.version ?? null, { latencyMs, failed: true, degraded: false, ndcg: null });
      last = { response, error };
      const retry = config.retries && attempt === 1 && deadline - performance.now() >= MIN_RETRY_BUDGET_MS;
      if (!retry) return relayFailure(res, last, attempt);
      tried = u;
      retryReason = kind;
    }
  }

  /** Served quality and canary figures: parses the answer only when someone needs it. */
  private observeAnswer(route: Route, u: Upstream, response: AttemptResponse, groundTruth: Set<string> | null, latencyMs: number): void {
    const { canary, metrics } = this.deps;
    if (groundTruth === null && !canary.measuring) return;
    const answer = response.status === 200 ? summarise(route, response.body) : null;
    const version = answer?.version ?? u.model?.version ?? null;
    let ndcg: number | null = null;
    if (groundTruth !== null && answer?.itemIds) {
      ndcg = ndcgAtK(answer.itemIds, groundTruth);
      if (ndcg !== null) metrics.observeNdcg(version ?? 'none', ndcg);
    }
    canary.record(version, { latencyMs, failed: false, degraded: answer?.degraded === true, ndcg });
  }

  /** No (other) upstream can answer: the gateway's own fallback, else the last failure, else 503. */
  private withoutUpstream(what: Forwarded, res: http.ServerResponse, body: Buffer | null, groundTruth: Set<string> | null, last: LastFailure | null, attempts: number): void {
    const { config, popular, metrics } = this.deps;
    const route = what.route;
    const cached = popular.list;
    // OIP inference of the model whose popularity list is cached: the same fallback, as an inference response.
    if (route === 'oip' && what.oip?.endpoint === 'infer' && config.fallback && cached !== null && what.oip.model === cached.model) {
      const request = parseOipFallbackRequest(body ?? Buffer.alloc(0));
      const items = cached.items.slice(0, request.k);
      // Every row (the batch dimension) gets the same popularity list, and counts as one query.
      metrics.countFallback(cached.model, 'no_upstream', request.rows.length);
      // Ground truth describes one query: scored for a one-row request only.
      if (groundTruth !== null && request.rows.length === 1) {
        const ndcg = ndcgAtK(
          items.map((i) => i.itemId),
          groundTruth,
        );
        if (ndcg !== null) metrics.observeNdcg('none', ndcg);
      }
      const row = { itemIds: items.map((i) => i.itemId), scores: items.map((i) => i.score), degraded: true, degradedReason: 'no_upstream' };
      const answer = recsysInferResponse(
        request.rows.map(() => row),
        { model: cached.model, id: request.id, parameters: { replica: 'gateway' }, outputs: request.outputs },
      );
      sendJson(res, 200, answer, { [REPLICA_HEADER]: 'gateway' });
      return;
    }
    if (route !== 'oip' && config.fallback && cached !== null) {
      if (route === 'popular') {
        sendJson(res, 200, cached, { [REPLICA_HEADER]: 'gateway' });
        return;
      }
      const request = parseRecommendRequest(body ?? Buffer.alloc(0));
      const answer = popular.answer(request.k);
      if (answer !== null) {
        metrics.countFallback(answer.model, 'no_upstream');
        if (groundTruth !== null) {
          const ndcg = ndcgAtK(
            answer.items.map((i) => i.itemId),
            groundTruth,
          );
          if (ndcg !== null) metrics.observeNdcg('none', ndcg);
        }
        sendJson(res, 200, answer, { [REPLICA_HEADER]: 'gateway' });
        return;
      }
    }
    if (last !== null) {
      relayFailure(res, last, attempts);
      return;
    }
    sendJson(res, 503, { error: 'no upstream available and no fallback to serve', reason: 'no_upstream' }, { 'retry-after': String(config.retryAfterS) });
  }
}

/** The OIP request the gateway answers from its fallback: structure checked as the replicas do, k in 1..MAX_K. */
function parseOipFallbackRequest(body: Buffer): ReturnType<typeof parseRecsysInferRequest> {
  let json: unknown;
  try {
    json = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequestError('body', 'request body is not valid JSON');
  }
  try {
    const request = parseRecsysInferRequest(json);
    if (request.k < 1 || request.k > MAX_K) throw new OipRequestError(`inputs[${request.inputIndex.k}].data`, `k must be between 1 and ${MAX_K}, got ${request.k}`);
    return request;
  } catch (err) {
    if (err instanceof OipRequestError) throw new BadRequestError(err.path, err.detail);
    throw err;
  }
}

/** Item ids, degraded flag and version of a 200 answer of either protocol; null when it cannot be read. */
function summarise(route: Route, body: Buffer): AnswerSummary | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  if (route === 'oip') {
    const r = parsed as Partial<OipInferResponse>;
    if (!Array.isArray(r.outputs)) return null;
    const tensor = (name: string) => r.outputs!.find((o) => o && o.name === name)?.data;
    const ids = tensor('item_ids');
    const idsShape = r.outputs.find((o) => o && o.name === 'item_ids')?.shape;
    // A batched answer ([N, k]) ranks N queries: no one ranking to score against the ground truth.
    const oneRanking = !Array.isArray(idsShape) || idsShape.length < 2;
    return {
      itemIds: oneRanking && Array.isArray(ids) && ids.every((i) => typeof i === 'string') ? (ids as string[]) : null,
      // Degraded when any row is.
      degraded: Array.isArray(tensor('degraded')) && tensor('degraded')!.some((d) => d === true),
      version: typeof r.model_version === 'string' ? r.model_version : null,
    };
  }
  const r = parsed as Partial<RecommendResponse>;
  return {
    itemIds: Array.isArray(r.items) ? r.items.map((i) => i.itemId) : null,
    degraded: r.degraded === true,
    version: r.modelVersion ?? null,
  };
}

function forwardHeaders(incoming: http.IncomingHttpHeaders, body: Buffer | null): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = body === null ? {} : { 'content-type': 'application/json', 'content-length': body.length };
  for (const name of PASS_THROUGH_HEADERS) {
    const value = incoming[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

function relay(res: http.ServerResponse, response: AttemptResponse, u: Upstream, attempts: number): void {
  if (res.headersSent || res.destroyed) return;
  const headers: http.OutgoingHttpHeaders = {
    'content-type': response.headers['content-type'] ?? 'application/json',
    'content-length': response.body.length,
    [REPLICA_HEADER]: response.headers[REPLICA_HEADER] ?? u.id,
    [ATTEMPTS_HEADER]: String(attempts),
  };
  const retryAfter = response.headers['retry-after'];
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  res.writeHead(response.status, headers);
  res.end(response.body);
}

function relayFailure(res: http.ServerResponse, last: LastFailure, attempts: number): void {
  if (last.response !== null) {
    const replica = String(last.response.headers[REPLICA_HEADER] ?? '');
    if (res.headersSent || res.destroyed) return;
    res.writeHead(last.response.status, {
      'content-type': last.response.headers['content-type'] ?? 'application/json',
      'content-length': last.response.body.length,
      [ATTEMPTS_HEADER]: String(attempts),
      ...(replica ? { [REPLICA_HEADER]: replica } : {}),
    });
    res.end(last.response.body);
    return;
  }
  const error = last.error;
  const timeout = error?.kind === 'timeout';
  sendJson(res, timeout ? 504 : 502, { error: error?.message ?? 'upstream failed', reason: timeout ? 'upstream_timeout' : 'upstream_unavailable' }, { [ATTEMPTS_HEADER]: String(attempts) });
}
