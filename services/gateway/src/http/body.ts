/**
 * Reading request bodies and writing JSON answers, with `@drillbook/contracts/http` (the replicas
 * and the controller use the same); a refused body is a `BadRequestError` on field `body`.
 */
import type { IncomingMessage } from 'node:http';
import { HttpBodyError, parseJsonBody, readBody as readBodyShared } from '@drillbook/contracts/http';
import { BadRequestError } from '../errors.js';

export { sendError, sendJson } from '@drillbook/contracts/http';

const asBadRequest = (e: unknown): unknown => (e instanceof HttpBodyError ? new BadRequestError(e.field, e.message, e.status) : e);

/** Reads the whole body; rejects with 413 (field `body`) above `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readBodyShared(req, limit).catch((e: unknown) => {
    throw asBadRequest(e);
  });
}

/** Parses a JSON object body; `{}` when empty. Errors name the field `body`. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonBody(body);
  } catch (e) {
    throw asBadRequest(e);
  }
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError('body', 'request body must be a JSON object');
  return value as Record<string, unknown>;
}
