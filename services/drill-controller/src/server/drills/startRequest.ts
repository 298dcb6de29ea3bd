/** Validates a StartDrillRequest body against the OpenAPI schema; 400 names the field. */
import { Ajv } from 'ajv';
import { openApiDocument, type StartDrillRequest } from '@drillbook/contracts';
import { BODY_FIELD } from '@drillbook/contracts/http';
import { ApiError } from '../errors.js';

const schemas = openApiDocument.components.schemas;
const validateStart = new Ajv({ allErrors: true, strict: false }).compile<StartDrillRequest>(schemas.StartDrillRequest);
const validateAbort = new Ajv({ allErrors: true, strict: false }).compile<{ reason?: string }>({ type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 } } });

function fail(errors: NonNullable<typeof validateStart.errors>): never {
  const details = errors.map((e) => {
    const p = e.params as Record<string, unknown>;
    const base = e.instancePath.slice(1).replace(/\//g, '.');
    if (e.keyword === 'required') return { field: String(p.missingProperty), message: 'is required' };
    if (e.keyword === 'additionalProperties') return { field: String(p.additionalProperty), message: 'is not a field of this request' };
    return { field: base || BODY_FIELD, message: e.message ?? e.keyword };
  });
  throw new ApiError(400, details.map((d) => `${d.field}: ${d.message}`).join('; '), details[0].field, details);
}

export function parseStartRequest(body: unknown): StartDrillRequest {
  if (body === undefined) throw new ApiError(400, 'body: a JSON object with "runbook" is required', BODY_FIELD);
  if (!validateStart(body)) fail(validateStart.errors ?? []);
  return body;
}

export function parseAbortRequest(body: unknown): { reason?: string } {
  if (body === undefined) return {};
  if (!validateAbort(body)) fail(validateAbort.errors ?? []);
  return body;
}
