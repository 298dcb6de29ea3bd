/** Small helpers for reading request bodies and writing JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError } from '../errors.js';

const EMPTY = Buffer.alloc(0);

/** Reads the whole body; rejects with 413 (field `body`) above `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BadRequestError('body', `request body over ${limit} bytes`, 413));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BadRequestError('body', `request body over ${limit} bytes`, 413));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** Parses a JSON object body; `{}` when empty. Errors name the field `body`. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequestError('body', 'request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError('body', 'request body must be a JSON object');
  return value as Record<string, unknown>;
}

export function sendJson(res: ServerResponse, status: number, payload: unknown, headers?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** `{error, field}`: the 4xx shape the replicas use too. */
export function sendError(res: ServerResponse, status: number, error: string, field?: string, headers?: Record<string, string>): void {
  sendJson(res, status, field === undefined ? { error } : { error, field }, headers);
}
