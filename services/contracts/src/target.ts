/**
 * The target model: how Drillbook talks to a service. A target is an endpoint (runbook
 * `target.url`, or the embedded reference stack) and a protocol adapter (`target.protocol`; left
 * out = `drillbook`, the reference stack's `/v1/recommend`). Fault providers are a separate block
 * (`target.providers`).
 *
 * The adapters themselves (request building and response parsing, shared by both load engines and
 * the probes) are in `load-tests/lib/adapters.js`; this file holds the wire types and the schema.
 */
import { RECSYS_OIP_INPUTS, RECSYS_OIP_OUTPUTS } from './oip.js';

export const TARGET_PROTOCOLS = ['drillbook', 'oip-v2', 'json'] as const;
export type TargetProtocolType = (typeof TARGET_PROTOCOLS)[number];

/** Today's `POST /v1/recommend` (the reference stack; the default when `protocol` is left out). */
export interface DrillbookProtocol {
  type: 'drillbook';
}

/**
 * The Open Inference Protocol v2 (KServe, Triton, MLServer, TorchServe):
 * `POST /v2/models/{model}[/versions/{version}]/infer`, readiness from `/v2/health/ready` and
 * `/v2/models/{model}[/versions/{version}]/ready`. Tensor names default to the reference model's.
 */
export interface OipV2Protocol {
  type: 'oip-v2';
  /** Default `recsys-two-tower`. */
  model?: string;
  version?: string;
  /** Input tensor names; `query: null` = not sent. Defaults: user_id (BYTES), query (BYTES), k (INT32). */
  inputs?: { userId?: string; query?: string | null; k?: string };
  /** Output tensor names; `scores`/`degraded: null` = not asked for. Defaults: item_ids, scores, degraded. */
  outputs?: { itemIds?: string; scores?: string | null; degraded?: string | null };
}

/**
 * Any JSON API: a request template with placeholders `{{userId}}`, `{{query}}`, `{{k}}` (in the
 * path they are URL-encoded; a body string that is exactly `{{k}}` becomes the number) and JSON
 * Pointers (RFC 6901) into the answer.
 */
export interface JsonProtocol {
  type: 'json';
  /** Default POST. */
  method?: 'GET' | 'POST' | 'PUT';
  /** Path (and query string) appended to the target URL, e.g. `/api/recs?user={{userId}}&n={{k}}`. */
  path: string;
  /** JSON body template (not for GET). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Pointer to the array of items, e.g. `/data/recommendations`. */
  itemIds: string;
  /** Pointer inside each element to its id (e.g. `/sku`); omitted = the elements are the ids. */
  itemId?: string;
  /** Pointer to a boolean degraded flag. */
  degraded?: string;
  /** Pointer to the model version that answered. */
  modelVersion?: string;
  /** GET path that answers 200 when ready; omitted = no readiness check. */
  readinessPath?: string;
}

export type TargetProtocol = DrillbookProtocol | OipV2Protocol | JsonProtocol;

/** Defaults of the oip-v2 adapter: the reference replica's tensor layout. */
export const OIP_ADAPTER_DEFAULTS = {
  model: 'recsys-two-tower',
  inputs: { userId: RECSYS_OIP_INPUTS[0].name, query: RECSYS_OIP_INPUTS[1].name, k: RECSYS_OIP_INPUTS[2].name },
  outputs: { itemIds: RECSYS_OIP_OUTPUTS[0].name, scores: RECSYS_OIP_OUTPUTS[1].name, degraded: RECSYS_OIP_OUTPUTS[2].name },
} as const;

// ---------------------------------------------------------------------------------------------
// Schema (draft-07 fragment used by the runbook schema and the controller's service config)

const modelName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$', description: 'a model name or version (letters, digits, "_", ".", "-")' } as const;
const tensorName = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$', description: 'a tensor name' } as const;
const optionalTensor = { type: ['string', 'null'], pattern: '^[A-Za-z0-9_.:-]{1,128}$', description: 'a tensor name, or null (not used)' } as const;
const pointer = { type: 'string', pattern: '^(/([^~/]|~[01])*)*$', description: 'a JSON Pointer (RFC 6901) such as "/items" or "/data/0/id"' } as const;
const placeholder = '\\{\\{\\s*(userId|query|k)\\s*\\}\\}';

export const targetProtocolSchema = {
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'drillbook' } } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { const: 'oip-v2' },
        model: modelName,
        version: modelName,
        inputs: { type: 'object', additionalProperties: false, properties: { userId: tensorName, query: optionalTensor, k: tensorName } },
        outputs: { type: 'object', additionalProperties: false, properties: { itemIds: tensorName, scores: optionalTensor, degraded: optionalTensor } },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'path', 'itemIds'],
      properties: {
        type: { const: 'json' },
        method: { enum: ['GET', 'POST', 'PUT'] },
        path: { type: 'string', pattern: `^/([^{]|${placeholder})*$`, description: 'a path starting with "/" whose only placeholders are {{userId}}, {{query}}, {{k}}' },
        body: {},
        headers: { type: 'object', additionalProperties: { type: 'string', pattern: '^[^\\r\\n\\u0000]*$' }, propertyNames: { pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" } },
        itemIds: pointer,
        itemId: pointer,
        degraded: pointer,
        modelVersion: pointer,
        readinessPath: { type: 'string', pattern: '^/', description: 'a path starting with "/"' },
      },
    },
  ],
} as const;
