/** Small HTTP helpers shared by the replica routes: bounded JSON bodies, JSON answers, bearer auth. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { RecommendResponse } from '@drillbook/contracts';
import { BadRequest } from '../errors.js';
import type { RecommendInput } from '../serving/recommender.js';

export const MAX_BODY_BYTES = 16 * 1024;

export function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BadRequest(`body is ${declared} bytes; the limit is ${limit}`, 'body', 413));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new BadRequest(`body exceeds ${limit} bytes`, 'body', 413));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new BadRequest(`body is not valid JSON (${(e as Error).message})`, 'body'));
      }
    });
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: string, field?: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, field ? { error, field } : { error }, headers);
}

/** How one protocol reads a recommendation request, answers it and refuses it (see `serve` in routes.ts). */
export interface ServingProtocol {
  /** `http_route` / span route of the serving endpoint. */
  route: string;
  /** Reads the JSON body; throws `BadRequest` naming the field in the protocol's own terms. */
  read(body: unknown): ServingRequest;
  /** Writes an error answer in the protocol's shape. */
  refuse(res: ServerResponse, status: number, error: string, field?: string, headers?: Record<string, string>): void;
}

export interface ServingRequest {
  input: RecommendInput;
  /** The answer body for the recommender's result. */
  answer(out: RecommendResponse): unknown;
  /** Renames a field of a later `BadRequest` (the recommender's `userId`) into the protocol's terms. */
  relocate?(e: BadRequest): BadRequest;
}

export type Access = 'none' | 'read' | 'write';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What a request's bearer token allows against the configured admin and read-only tokens. */
export function accessOf(req: IncomingMessage, tokens: { admin: string; readOnly?: string }): Access {
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Bearer ')) return 'none';
  const t = h.slice(7).trim();
  if (!t) return 'none';
  if (tokens.admin && same(t, tokens.admin)) return 'write';
  if (tokens.readOnly && same(t, tokens.readOnly)) return 'read';
  return 'none';
}
