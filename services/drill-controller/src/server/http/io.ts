/** Small HTTP helpers: JSON answers, API errors, bounded JSON bodies, the caller's address. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiErrorBody } from '@drillbook/contracts';
import { ApiError } from '../errors.js';

const MAX_BODY = 64 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, e: ApiError): void {
  const body: ApiErrorBody = { error: e.message, ...(e.field ? { field: e.field } : {}), ...(e.details ? { details: e.details } : {}) };
  sendJson(res, e.status, body, e.status === 401 ? { 'www-authenticate': 'Bearer realm="drillbook"' } : {});
}

/** The JSON body, or undefined when there is none; 400 for malformed JSON, 413 for an oversized one, 415 for another type. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, `request body larger than ${MAX_BODY} bytes`, '(body)');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (type && !/^application\/([a-z.+-]+\+)?json\b/i.test(type)) throw new ApiError(415, `expected Content-Type application/json, got ${type}`, '(body)');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ApiError(400, `request body is not valid JSON: ${(e as Error).message}`, '(body)');
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
