/**
 * The replica routes' HTTP helpers: bounded JSON bodies, JSON answers and bearer access, all from
 * `@drillbook/contracts/http` (the gateway and the controller use the same).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecommendResponse } from '@drillbook/contracts';
import { bearerAccess, HttpBodyError, readJson as readJsonBody, sendError, sendJson, type BearerAccess } from '@drillbook/contracts/http';
import { BadRequest } from '../errors.js';
import type { RecommendInput } from '../serving/recommender.js';

export const MAX_BODY_BYTES = 16 * 1024;

/** The JSON body (undefined when empty), as the shared helper reads it; a refused body is a `BadRequest` on field `body`. */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  try {
    return await readJsonBody(req, { limit });
  } catch (e) {
    throw e instanceof HttpBodyError ? new BadRequest(e.message, e.field, e.status) : e;
  }
}

export { sendError, sendJson };

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The 200 answer of the serving path: the same bytes as `sendJson` plus `x-drillbook-replica`, on
 * the hot path. The headers go to `writeHead` as a flat array of constant names (node copies no
 * object, walks no prototype), and header block and body leave in one `end()` (node prepends the
 * header to a string body, so they share one socket write).
 */
export function sendAnswer(res: ServerResponse, payload: unknown, replica: string): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(payload);
  res.writeHead(200, ['content-type', JSON_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(text)), 'x-drillbook-replica', replica]);
  res.end(text);
}

/** How one protocol reads a recommendation request, answers it and refuses it (see `serve` in routes.ts). */
export interface ServingProtocol {
  /** `http_route` / span route of the serving endpoint. */
  route: string;
  /** Largest body the protocol reads (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** Reads the JSON body; throws `BadRequest` naming the field in the protocol's own terms. */
  read(body: unknown): ServingRequest;
  /** Writes an error answer in the protocol's shape. */
  refuse(res: ServerResponse, status: number, error: string, field?: string, headers?: Record<string, string>): void;
}

export interface ServingRequest {
  /** One query per row: `/v1/recommend` has one, an OIP request 1..RECSYS_OIP_MAX_ROWS (its batch dimension). */
  inputs: RecommendInput[];
  /** The answer body for the recommender's results, one per input, in order. */
  answer(outs: RecommendResponse[]): unknown;
  /** Renames a field of a later `BadRequest` (the recommender's `userId`, of row `row`) into the protocol's terms. */
  relocate?(e: BadRequest, row: number): BadRequest;
}

export type Access = BearerAccess;

/** What a request's bearer token allows against the configured admin and read-only tokens. */
export function accessOf(req: IncomingMessage, tokens: { admin: string; readOnly?: string }): Access {
  return bearerAccess(req.headers.authorization, tokens);
}
