/**
 * The HTTP helpers every Drillbook service shares (Node only: import `@drillbook/contracts/http`,
 * never from the package root, which browsers load too): bounded request bodies, JSON answers,
 * the `{error, field}` error answer, and bearer tokens.
 *
 * - A body the helpers refuse raises `HttpBodyError` (413 too large, 400 not JSON, 415 another
 *   content type when asked to check it); its `field` is always `body`.
 * - Bearer tokens are read from `Authorization: Bearer <token>` (scheme case-insensitive) and
 *   compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The field every body-level error names (a bad field inside the body names that field instead). */
export const BODY_FIELD = 'body';

export class HttpBodyError extends Error {
  readonly field = BODY_FIELD;
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'HttpBodyError';
  }
}

const EMPTY = Buffer.alloc(0);

/** The whole body; rejects with a 413 `HttpBodyError` above `limit` bytes (declared or received). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new HttpBodyError(413, `request body is ${declared} bytes; the limit is ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpBodyError(413, `request body exceeds ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    req.on('error', reject);
  });
}

/** The parsed JSON of a body; undefined when it is empty or blank; a 400 `HttpBodyError` when it is not JSON. */
export function parseJsonBody(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HttpBodyError(400, `body is not valid JSON: ${(e as Error).message}`);
  }
}

export interface ReadJsonOptions {
  /** Largest body accepted, in bytes. */
  limit: number;
  /** Refuse (415) a non-empty body whose declared Content-Type is not JSON. A missing Content-Type is accepted. */
  requireJsonType?: boolean;
}

/** The JSON body, or undefined when there is none: `readBody` then `parseJsonBody`. */
export async function readJson(req: IncomingMessage, opts: ReadJsonOptions): Promise<unknown> {
  const body = await readBody(req, opts.limit);
  if (body.length === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (opts.requireJsonType && type && !/^application\/([a-z.+-]+\+)?json\b/i.test(type)) {
    throw new HttpBodyError(415, `expected Content-Type application/json, got ${type}`);
  }
  return parseJsonBody(body);
}

/** A JSON answer with its length; nothing when the answer has already started or the socket is gone. */
export function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** `{error, field?}`: the error answer of every Drillbook service. */
export function sendError(res: ServerResponse, status: number, error: string, field?: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, field === undefined ? { error } : { error, field }, headers);
}

/** The token of an `Authorization: Bearer <token>` header; null when missing or malformed. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time equality of two secrets (of any lengths). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export type BearerAccess = 'none' | 'read' | 'write';

/** What a request's bearer token allows: `write` for the admin token, `read` for the read-only one. */
export function bearerAccess(header: string | string[] | undefined, tokens: { admin: string | null | undefined; readOnly?: string | null }): BearerAccess {
  const t = bearerToken(header);
  if (t === null) return 'none';
  if (tokens.admin && sameSecret(t, tokens.admin)) return 'write';
  if (tokens.readOnly && sameSecret(t, tokens.readOnly)) return 'read';
  return 'none';
}
