/**
 * The replica's Open Inference Protocol (v2, REST) endpoints: server metadata, liveness and
 * readiness, model metadata and readiness, and inference. Inference goes through the same
 * `serve` path as `/v1/recommend` (faults, batching, deadlines, fallback, metrics); only the
 * request and answer shapes differ. Errors are `{"error": "<field>: <what>"}`: 400 for a bad
 * request, 404 for an unknown model or version, 503 when the model (version) is not ready.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  OipRequestError,
  matchOipPath,
  parseRecsysInferRequest,
  recsysInferResponse,
  recsysModelMetadata,
  type OipModelReady,
  type OipParameters,
  type OipPath,
  type OipServerMetadata,
  type OipServerReady,
  type RecsysInferRequest,
} from '@drillbook/contracts';
import { BadRequest } from '../errors.js';
import type { Replica } from '../replica.js';
import { parseRecommend } from './routes.js';
import { sendJson, type ServingProtocol, type ServingRequest } from './util.js';

export const OIP_SERVER_NAME = 'drillbook-inference';
const SERVER_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

type Serve = (req: IncomingMessage, res: ServerResponse, protocol: ServingProtocol) => Promise<number>;

/** `{"error": "<field>: <what>"}`: the protocol's only error shape. */
export function sendOipError(res: ServerResponse, status: number, error: string, field?: string, headers: Record<string, string> = {}): void {
  const message = field && !error.startsWith(field) ? `${field}: ${error}` : error;
  sendJson(res, status, { error: message }, headers);
}

/** `/v1/recommend` field names of the shared value rules -> the OIP input tensor they came from. */
const INPUT_OF_FIELD = { userId: 'user_id', query: 'query', k: 'k' } as const;

/**
 * Largest OIP inference body: RECSYS_OIP_MAX_ROWS rows of a 64-character user id and a 512-character
 * query, with the JSON around them, fit.
 */
export const OIP_MAX_BODY_BYTES = 64 * 1024;

/**
 * The OIP request as a serving request, one query per row: the same value rules as `/v1/recommend`,
 * errors named after the tensors (`inputs[0].data` for one row, `inputs[0].data[3]` for row 3 of several).
 */
export function oipServingRequest(parsed: RecsysInferRequest, answerWith: (outs: Parameters<ServingRequest['answer']>[0]) => unknown): ServingRequest {
  const batched = parsed.rows.length > 1;
  const relocate = (e: BadRequest, row: number): BadRequest => {
    const input = INPUT_OF_FIELD[e.field as keyof typeof INPUT_OF_FIELD];
    const index = input ? parsed.inputIndex[input] : undefined;
    if (!input || index === undefined) return e;
    // A batch shares one k: its error is about the one k element, not a row.
    const at = batched && input !== 'k' ? `inputs[${index}].data[${row}]` : `inputs[${index}].data`;
    // An unknown user is a bad tensor value here: 404 means an unknown model or version in the protocol.
    return new BadRequest(e.message.replace(/^userId\b/, 'user_id'), at, e.status === 413 ? 413 : 400);
  };
  const inputs = parsed.rows.map((row, r) => {
    try {
      return parseRecommend({ userId: row.userId, k: parsed.k, ...(row.query !== undefined ? { query: row.query } : {}) });
    } catch (e) {
      throw e instanceof BadRequest ? relocate(e, r) : e;
    }
  });
  return { inputs, answer: answerWith, relocate };
}

export function createOipHandler(replica: Replica, serve: Serve) {
  const { host, registry, config } = replica;

  /** Versions this replica can name: in its registry, or served before. */
  const knownVersions = (): string[] => [...new Set([...registry.list(), ...host.history])].sort();
  /** The version answers come from: the loaded one, else the last one served (its fallback answers). */
  const servingVersion = (): string | null => host.model?.version ?? host.history[host.history.length - 1] ?? null;

  /** 404 for another model or an unknown version; null when the path names this model. */
  function unknown(p: OipPath): string | null {
    if (p.model !== host.name) return `unknown model "${p.model}"; this server serves "${host.name}"`;
    if (p.version !== undefined && !knownVersions().includes(p.version)) {
      return `unknown version "${p.version}" of model "${host.name}"; known versions: ${knownVersions().join(', ') || 'none'}`;
    }
    return null;
  }

  /** Why the model (version) cannot serve now, or null when it can. */
  function notReady(version: string | undefined): string | null {
    const m = host.model;
    if (!m) return `model "${host.name}" is not loaded on replica ${replica.id}: ${host.lastError ?? 'no version loaded'}`;
    if (version !== undefined && version !== m.version) return `version "${version}" of model "${host.name}" is not loaded on replica ${replica.id} (it serves "${m.version}")`;
    return null;
  }

  function inferProtocol(p: OipPath): ServingProtocol {
    return {
      route: p.route,
      refuse: sendOipError,
      maxBodyBytes: OIP_MAX_BODY_BYTES,
      read(body) {
        let parsed: RecsysInferRequest;
        try {
          parsed = parseRecsysInferRequest(body);
        } catch (e) {
          if (e instanceof OipRequestError) throw new BadRequest(e.detail, e.path);
          throw e;
        }
        return oipServingRequest(parsed, (outs) => {
          const first = outs[0];
          const parameters: OipParameters = { replica: first.replica };
          if (first.traceId) parameters.trace_id = first.traceId;
          return recsysInferResponse(
            outs.map((out) => ({ itemIds: out.items.map((i) => i.itemId), scores: out.items.map((i) => i.score), degraded: out.degraded, degradedReason: out.reason ?? '' })),
            { model: first.model, version: first.modelVersion, id: parsed.id, parameters, outputs: parsed.outputs },
          );
        });
      },
    };
  }

  /** Answers one `/v2...` request; returns the route template (for metrics) and the status sent. */
  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<{ route: string; status: number }> {
    const p = matchOipPath(path);
    if (!p) {
      req.resume();
      sendOipError(res, 404, `no route ${req.method} ${path}`);
      return { route: 'other', status: 404 };
    }
    const answer = (status: number, body: unknown) => (sendJson(res, status, body), { route: p.route, status });
    if (req.method !== p.method) {
      req.resume();
      sendOipError(res, 405, `use ${p.method} on ${p.route}`, undefined, { allow: p.method });
      return { route: p.route, status: 405 };
    }
    switch (p.endpoint) {
      case 'server':
        return answer(200, { name: OIP_SERVER_NAME, version: SERVER_VERSION, extensions: [] } satisfies OipServerMetadata);
      case 'live':
        return answer(200, { live: true });
      case 'ready': {
        const why = notReady(undefined);
        return answer(why ? 503 : 200, (why ? { ready: false, reason: why } : { ready: true }) satisfies OipServerReady);
      }
      default:
        break;
    }
    const missing = unknown(p);
    if (missing) {
      req.resume();
      sendOipError(res, 404, missing);
      return { route: p.route, status: 404 };
    }
    if (p.endpoint === 'model') return answer(200, recsysModelMetadata(host.name, knownVersions()));
    if (p.endpoint === 'modelReady') {
      const why = notReady(p.version);
      return answer(why ? 503 : 200, (why ? { name: host.name, ready: false, reason: why } : { name: host.name, ready: true }) satisfies OipModelReady);
    }
    // Inference. A version that is known but not the one this replica serves cannot be answered
    // here (503: a gateway retries it on another replica). The serving version, loaded or not,
    // goes down the serving path: without a model it answers from the fallback, as /v1 does.
    if (req.headers['inference-header-content-length'] !== undefined) {
      req.resume();
      sendOipError(res, 400, 'the binary tensor data extension is not supported; send the request as JSON', 'inference-header-content-length');
      return { route: p.route, status: 400 };
    }
    if (p.version !== undefined && p.version !== servingVersion()) {
      req.resume();
      sendOipError(res, 503, notReady(p.version) ?? `version "${p.version}" is not loaded`);
      return { route: p.route, status: 503 };
    }
    return { route: p.route, status: await serve(req, res, inferProtocol(p)) };
  }

  return { handle };
}

