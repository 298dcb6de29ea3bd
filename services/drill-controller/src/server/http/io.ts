/** The controller's HTTP helpers (on `@drillbook/contracts/http`): JSON answers, API errors, bounded JSON bodies, the caller's address. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorBody } from '@drillbook/contracts';
import { HttpBodyError, readJson as readJsonShared, sendJson as sendJsonShared } from '@drillbook/contracts/http';
import { ApiError } from '../errors.js';

const MAX_BODY = 64 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonShared(res, status, body, { 'cache-control': 'no-store', ...headers });
}

export function sendError(res: ServerResponse, e: ApiError): void {
  const body: ApiErrorBody = { error: e.message, ...(e.field ? { field: e.field } : {}), ...(e.details ? { details: e.details } : {}) };
  sendJson(res, e.status, body, e.status === 401 ? { 'www-authenticate': 'Bearer realm="drillbook"' } : {});
}

/** The JSON body, or undefined when there is none; 400 for malformed JSON, 413 for an oversized one, 415 for another type (field `body`). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    return await readJsonShared(req, { limit: MAX_BODY, requireJsonType: true });
  } catch (e) {
    throw e instanceof HttpBodyError ? new ApiError(e.status, e.message, e.field) : e;
  }
}

/** Where a request came from: the peer address, and X-Forwarded-For when the controller sits behind a trusted proxy. */
export function remoteOf(req: IncomingMessage, trustProxy: boolean): string | null {
  const peer = req.socket.remoteAddress ?? null;
  const xff = req.headers['x-forwarded-for'];
  if (trustProxy && typeof xff === 'string' && xff.trim()) return `${xff.split(',')[0].trim()} (via ${peer})`;
  return peer;
}

export function intParam(q: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || n < min || n > max) throw new ApiError(400, `${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`, name);
  return n;
}
