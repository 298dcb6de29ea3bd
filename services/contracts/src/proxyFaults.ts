/**
 * Fault API of the fault proxy (`drillbook proxy`): a reverse proxy placed in front of any HTTP
 * service. Same contract as the replicas' `/admin/faults` (bearer admin token to change, read-only
 * token to list, a required TTL after which the proxy removes the fault by itself), with faults that
 * act on the HTTP exchange instead of on a replica's internals. Anchors: Envoy's HTTP fault filter
 * (delay / abort with a percentage, header match), toxiproxy (latency, bandwidth, reset_peer,
 * timeout), Chaos Mesh HTTPChaos (method / path / header selectors, delay, abort, response patch).
 *
 * The JSON Schema below is normative; the proxy validates requests with it (Ajv) and answers 400
 * with the offending field named.
 */

export const PROXY_FAULT_TYPES = ['latency', 'error', 'reset', 'hang', 'bandwidth', 'corrupt'] as const;
export type ProxyFaultType = (typeof PROXY_FAULT_TYPES)[number];

export const PROXY_LATENCY_DISTRIBUTIONS = ['fixed', 'uniform', 'normal', 'lognormal', 'exponential'] as const;
export type ProxyLatencyDistribution = (typeof PROXY_LATENCY_DISTRIBUTIONS)[number];

/** Longest TTL a fault may ask for (as for the replicas' faults). */
export const PROXY_MAX_TTL_MS = 60 * 60 * 1000;
/** Largest delay one latency draw may add. */
export const PROXY_MAX_DELAY_MS = 600_000;

/**
 * Which requests a fault applies to. Every given condition must hold; an empty match selects every
 * proxied request. The proxy's own API (`<adminPrefix>/...`) is never faulted.
 */
export interface ProxyFaultMatch {
  /** HTTP methods, upper case (`["POST"]`). Default: any. */
  methods?: string[];
  /** The request path (without query) starts with this (`/v2/models/`). */
  pathPrefix?: string;
  /** The request path matches this glob (picomatch: `*` within a segment, `**` across: `/v2/models/ * /infer`). */
  pathGlob?: string;
  /** Request headers that must be present with exactly this value (names case-insensitive); the value `*` means present with any value. */
  headers?: Record<string, string>;
  /** Share of the matching requests that the fault takes, 0..100 (the fault's "rate"). Default 100. */
  percentage?: number;
}

/** Added delay, drawn per request. All figures in milliseconds except `sigma` (log-space). */
export type ProxyDelay =
  | { distribution: 'fixed'; ms: number }
  | { distribution: 'uniform'; minMs: number; maxMs: number }
  | { distribution: 'normal'; meanMs: number; stddevMs: number }
  | { distribution: 'lognormal'; medianMs: number; sigma: number }
  | { distribution: 'exponential'; meanMs: number };

interface ProxyFaultBase {
  /** Required: the proxy removes the fault this many milliseconds after injection (1..3,600,000). */
  ttlMs: number;
  match?: ProxyFaultMatch;
  /** Free text recorded with the fault (drill id, step name). */
  note?: string;
}

/** Delay the request before it is sent upstream (Envoy's fixed_delay, toxiproxy latency). */
export interface ProxyLatencyFault extends ProxyFaultBase {
  type: 'latency';
  delay: ProxyDelay;
}
/** Answer with this status without calling the upstream (Envoy's abort). */
export interface ProxyErrorFault extends ProxyFaultBase {
  type: 'error';
  /** 400..599, default 503. */
  status?: number;
}
/** Reset the client's TCP connection without an answer (toxiproxy reset_peer). */
export interface ProxyResetFault extends ProxyFaultBase {
  type: 'reset';
}
/** Hold the request without an answer until the client gives up or the fault ends (toxiproxy timeout). */
export interface ProxyHangFault extends ProxyFaultBase {
  type: 'hang';
}
/** Stream the response body at no more than this many bytes per second (toxiproxy bandwidth). */
export interface ProxyBandwidthFault extends ProxyFaultBase {
  type: 'bandwidth';
  bytesPerSecond: number;
}
/**
 * Corrupt the ranking in a 2xx JSON answer: `empty` removes every item, `shuffle` puts them in a
 * different random order (the ids move, scores stay where they are in an OIP answer).
 * The item list is found by `pointer` (RFC 6901) when given, else by `format`:
 * `drillbook` = `/items` of a `/v1/recommend` answer; `oip-v2` = the `data` of the output tensor named
 * `outputName` (default `item_ids`) of an Open Inference Protocol v2 infer answer; `auto` (default) =
 * `oip-v2` for `POST .../infer` paths, `drillbook` otherwise.
 */
export interface ProxyCorruptFault extends ProxyFaultBase {
  type: 'corrupt';
  mode: 'empty' | 'shuffle';
  format?: 'auto' | 'drillbook' | 'oip-v2';
  pointer?: string;
  outputName?: string;
}

export type ProxyFaultRequest = ProxyLatencyFault | ProxyErrorFault | ProxyResetFault | ProxyHangFault | ProxyBandwidthFault | ProxyCorruptFault;

/** A fault as the proxy lists it: the request with its defaults filled in, plus its life and evidence. */
export type ActiveProxyFault = ProxyFaultRequest & {
  id: string;
  match: ProxyFaultMatch & { percentage: number };
  injectedAt: string;
  expiresAt: string;
  remainingMs: number;
  /** Requests this fault has taken effect on so far (same figure as drillbook_proxy_faults_applied_total). */
  applied: number;
};

export interface ProxyFaultListResponse {
  proxy: string;
  upstream: string;
  faults: ActiveProxyFault[];
}

export interface ProxyFaultClearResponse {
  proxy: string;
  cleared: string[];
}

/** Response header naming the fault types that acted on an answer (`latency,corrupt`). */
export const PROXY_FAULT_HEADER = 'x-drillbook-proxy-fault';

/** The proxy's metrics, in base units. */
export const PROXY_METRIC = {
  /** Histogram {http_request_method, http_response_status_code, synthetic}: time from request to the end of the answer. */
  requestDuration: 'drillbook_proxy_request_duration_seconds',
  /** Counter {fault, type}: every time a fault took effect (fault = its id). */
  faultsApplied: 'drillbook_proxy_faults_applied_total',
  /** Counter {fault, type, reason}: a fault matched but could not act (e.g. no item list in the answer). */
  faultsSkipped: 'drillbook_proxy_faults_skipped_total',
  /** Counter {kind}: upstream failures (connect_error, timeout, reset). */
  upstreamErrors: 'drillbook_proxy_upstream_errors_total',
  /** Gauge {type}: faults active now. */
  activeFaults: 'drillbook_proxy_active_faults',
  /** Gauge: requests being proxied now. */
  inFlight: 'drillbook_proxy_in_flight_requests',
} as const;

const ms = (max: number) => ({ type: 'number', minimum: 0, maximum: max }) as const;
const base = {
  ttlMs: { type: 'integer', minimum: 1, maximum: PROXY_MAX_TTL_MS },
  note: { type: 'string', maxLength: 500 },
  match: {
    type: 'object',
    additionalProperties: false,
    properties: {
      methods: { type: 'array', minItems: 1, maxItems: 16, items: { type: 'string', pattern: '^[A-Z]+$', maxLength: 16 } },
      pathPrefix: { type: 'string', pattern: '^/', maxLength: 2048 },
      pathGlob: { type: 'string', pattern: '^/', maxLength: 2048 },
      headers: {
        type: 'object',
        maxProperties: 16,
        propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", maxLength: 256 },
        additionalProperties: { type: 'string', maxLength: 4096 },
      },
      percentage: { type: 'number', minimum: 0, maximum: 100 },
    },
  },
} as const;

function fault(type: ProxyFaultType, required: string[], properties: Record<string, unknown>) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'ttlMs', ...required],
    properties: { type: { const: type }, ...base, ...properties },
  };
}

function delay(distribution: ProxyLatencyDistribution, properties: Record<string, unknown>) {
  return { type: 'object', additionalProperties: false, required: ['distribution', ...Object.keys(properties)], properties: { distribution: { const: distribution }, ...properties } };
}

/** JSON Schema (draft-07) of a `POST <adminPrefix>/faults` body. Use Ajv with `discriminator: true`. */
export const proxyFaultRequestSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://drillbook.dev/schemas/proxy-fault-request.json',
  title: 'Fault proxy: inject request',
  type: 'object',
  discriminator: { propertyName: 'type' },
  required: ['type'],
  oneOf: [
    fault('latency', ['delay'], {
      delay: {
        type: 'object',
        discriminator: { propertyName: 'distribution' },
        required: ['distribution'],
        oneOf: [
          delay('fixed', { ms: ms(PROXY_MAX_DELAY_MS) }),
          delay('uniform', { minMs: ms(PROXY_MAX_DELAY_MS), maxMs: ms(PROXY_MAX_DELAY_MS) }),
          delay('normal', { meanMs: ms(PROXY_MAX_DELAY_MS), stddevMs: ms(PROXY_MAX_DELAY_MS) }),
          delay('lognormal', { medianMs: ms(PROXY_MAX_DELAY_MS), sigma: { type: 'number', minimum: 0, maximum: 5 } }),
          delay('exponential', { meanMs: ms(PROXY_MAX_DELAY_MS) }),
        ],
      },
    }),
    fault('error', [], { status: { type: 'integer', minimum: 400, maximum: 599 } }),
    fault('reset', [], {}),
    fault('hang', [], {}),
    fault('bandwidth', ['bytesPerSecond'], { bytesPerSecond: { type: 'integer', minimum: 1, maximum: 10_000_000_000 } }),
    fault('corrupt', ['mode'], {
      mode: { enum: ['empty', 'shuffle'] },
      format: { enum: ['auto', 'drillbook', 'oip-v2'] },
      pointer: { type: 'string', pattern: '^(/([^~]|~[01])*)*$', maxLength: 1024, description: 'an RFC 6901 JSON Pointer, e.g. /data/items' },
      outputName: { type: 'string', minLength: 1, maxLength: 256 },
    }),
  ],
} as const;
