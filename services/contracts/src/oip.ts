/**
 * Open Inference Protocol (KServe "V2" inference protocol, spoken by KServe, Triton, MLServer and
 * TorchServe), REST flavour: the wire types, the route templates, and the tensor layout the
 * reference recommender serves under it. Spec: kserve/open-inference-protocol,
 * `specification/protocol/inference_rest.md`. Error answers are `{"error": "..."}`; status codes
 * follow KServe's model server: 400 bad request, 404 unknown model or version, 503 not ready.
 *
 * The request reader below checks the *structure* of an inference request against the reference
 * model's tensors (names, datatypes, shapes, element types) and names the offending field
 * (`inputs[1].data: ...`). Value rules (k range, user id format) belong to the server that serves
 * the model; the replica applies the same ones as `/v1/recommend`.
 */

/** Tensor element types of the protocol. */
export const OIP_DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;
export type OipDatatype = (typeof OIP_DATATYPES)[number];

/** `parameters` objects: key/value pairs whose values are strings, numbers or booleans. */
export type OipParameters = Record<string, string | number | boolean>;

export interface OipTensorMetadata {
  name: string;
  datatype: OipDatatype;
  /** -1 = variable-size dimension. */
  shape: number[];
}

/** `GET /v2` */
export interface OipServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

/** `GET /v2/health/live` */
export interface OipServerLive {
  live: boolean;
}

/** `GET /v2/health/ready` (200 when ready, 503 otherwise). */
export interface OipServerReady {
  ready: boolean;
  /** Why not ready, when not (beyond the spec). */
  reason?: string;
}

/** `GET /v2/models/{model}[/versions/{v}]` */
export interface OipModelMetadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs: OipTensorMetadata[];
  outputs: OipTensorMetadata[];
}

/** `GET /v2/models/{model}[/versions/{v}]/ready` (200 when ready, 503 otherwise). */
export interface OipModelReady {
  name: string;
  ready: boolean;
  /** Why not ready, when not (beyond the spec). */
  reason?: string;
}

export interface OipRequestInput {
  name: string;
  shape: number[];
  datatype: OipDatatype;
  parameters?: OipParameters;
  /** Row-major, flat or nested. */
  data: unknown[];
}

export interface OipRequestOutput {
  name: string;
  parameters?: OipParameters;
}

/** `POST /v2/models/{model}[/versions/{v}]/infer` body. */
export interface OipInferRequest {
  id?: string;
  parameters?: OipParameters;
  inputs: OipRequestInput[];
  outputs?: OipRequestOutput[];
}

export interface OipResponseOutput {
  name: string;
  shape: number[];
  datatype: OipDatatype;
  parameters?: OipParameters;
  data: Array<string | number | boolean>;
}

export interface OipInferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: OipParameters;
  outputs: OipResponseOutput[];
}

/** Every error answer of the protocol. */
export interface OipErrorBody {
  error: string;
}

// ---------------------------------------------------------------------------------------------
// Paths

/** `http_route` label values of the protocol's endpoints (route templates, bounded cardinality). */
export const OIP_ROUTE = {
  server: '/v2',
  live: '/v2/health/live',
  ready: '/v2/health/ready',
  model: '/v2/models/{model}',
  modelVersion: '/v2/models/{model}/versions/{version}',
  modelReady: '/v2/models/{model}/ready',
  modelVersionReady: '/v2/models/{model}/versions/{version}/ready',
  infer: '/v2/models/{model}/infer',
  inferVersion: '/v2/models/{model}/versions/{version}/infer',
} as const;
export type OipRoute = (typeof OIP_ROUTE)[keyof typeof OIP_ROUTE];

export type OipEndpoint = 'server' | 'live' | 'ready' | 'model' | 'modelReady' | 'infer';

export interface OipPath {
  endpoint: OipEndpoint;
  route: OipRoute;
  /** The one HTTP method the endpoint answers. */
  method: 'GET' | 'POST';
  model?: string;
  version?: string;
}

/** Model names and versions the paths accept: what Triton and KServe allow in practice, nothing that needs escaping. */
const NAME = '([A-Za-z0-9][A-Za-z0-9_.-]{0,127})';
const MODEL_PATH = new RegExp(`^/v2/models/${NAME}(?:/versions/${NAME})?(/ready|/infer)?$`);

/** Which protocol endpoint a request path (no query string) names, or null. */
export function matchOipPath(path: string): OipPath | null {
  if (path === '/v2' || path === '/v2/') return { endpoint: 'server', route: OIP_ROUTE.server, method: 'GET' };
  if (path === '/v2/health/live') return { endpoint: 'live', route: OIP_ROUTE.live, method: 'GET' };
  if (path === '/v2/health/ready') return { endpoint: 'ready', route: OIP_ROUTE.ready, method: 'GET' };
  const m = MODEL_PATH.exec(path);
  if (!m) return null;
  const [, model, version, tail] = m;
  const versioned = version !== undefined;
  if (tail === '/infer') return { endpoint: 'infer', route: versioned ? OIP_ROUTE.inferVersion : OIP_ROUTE.infer, method: 'POST', model, version };
  if (tail === '/ready') return { endpoint: 'modelReady', route: versioned ? OIP_ROUTE.modelVersionReady : OIP_ROUTE.modelReady, method: 'GET', model, version };
  return { endpoint: 'model', route: versioned ? OIP_ROUTE.modelVersion : OIP_ROUTE.model, method: 'GET', model, version };
}

/** The path of a model endpoint, e.g. `oipModelPath('recsys-two-tower', 'v1', 'infer')`. */
export function oipModelPath(model: string, version: string | undefined, tail: '' | 'ready' | 'infer' = ''): string {
  const base = `/v2/models/${encodeURIComponent(model)}${version ? `/versions/${encodeURIComponent(version)}` : ''}`;
  return tail ? `${base}/${tail}` : base;
}

// ---------------------------------------------------------------------------------------------
// The reference recommender under the protocol

/**
 * Most rows (users / queries) one inference request may carry: the batch dimension of `user_id`
 * and `query`. Each row is one query through the replica's micro-batcher.
 */
export const RECSYS_OIP_MAX_ROWS = 64;

/**
 * Inputs of the reference recommender. `user_id` and `query` have the batch dimension (N rows,
 * 1..RECSYS_OIP_MAX_ROWS; `query` may be omitted, else it has the same N); `k` is one value for
 * every row.
 */
export const RECSYS_OIP_INPUTS = [
  { name: 'user_id', datatype: 'BYTES', shape: [-1] },
  { name: 'query', datatype: 'BYTES', shape: [-1] },
  { name: 'k', datatype: 'INT32', shape: [1] },
] as const satisfies readonly OipTensorMetadata[];

/**
 * Outputs per row: the ranked item ids and their scores (k each), whether the answer is degraded,
 * and why ('' when not). N rows are answered `[N, k]` / `[N]`; a one-row request keeps the
 * un-batched shapes `[k]` / `[1]` (the same row-major data).
 */
export const RECSYS_OIP_OUTPUTS = [
  { name: 'item_ids', datatype: 'BYTES', shape: [-1, -1] },
  { name: 'scores', datatype: 'FP32', shape: [-1, -1] },
  { name: 'degraded', datatype: 'BOOL', shape: [-1] },
  { name: 'degraded_reason', datatype: 'BYTES', shape: [-1] },
] as const satisfies readonly OipTensorMetadata[];

export type RecsysOipInputName = (typeof RECSYS_OIP_INPUTS)[number]['name'];
export type RecsysOipOutputName = (typeof RECSYS_OIP_OUTPUTS)[number]['name'];

/** An OIP request that does not fit the protocol or the model; `path` names the field (`inputs[1].data`). */
export class OipRequestError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'OipRequestError';
  }
}

/** One row of an inference request: one user (and query), ranked as one query. */
export interface RecsysInferRow {
  userId: string;
  query?: string;
}

/** What a structurally valid inference request for the reference recommender asks for. */
export interface RecsysInferRequest {
  id?: string;
  parameters?: OipParameters;
  /** One per row of the batch dimension (1..RECSYS_OIP_MAX_ROWS), in order. */
  rows: RecsysInferRow[];
  /** k for every row. */
  k: number;
  /** Index in `inputs` of each input given (to name it in a later error). */
  inputIndex: Partial<Record<RecsysOipInputName, number>>;
  /** Outputs asked for, in the order asked; null = all. */
  outputs: RecsysOipOutputName[] | null;
}

const REQUEST_KEYS = new Set(['id', 'parameters', 'inputs', 'outputs']);
const INPUT_KEYS = new Set(['name', 'shape', 'datatype', 'parameters', 'data']);
const OUTPUT_KEYS = new Set(['name', 'parameters']);
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** Parameters that ask for the binary tensor data extension or classification, which are not served. */
const UNSUPPORTED_PARAMETERS: Record<string, string> = {
  binary_data_output: 'the binary tensor data extension is not supported; outputs are JSON',
  binary_data: 'the binary tensor data extension is not supported; outputs are JSON',
  binary_data_size: 'the binary tensor data extension is not supported; send the data as JSON',
  classification: 'the classification extension is not supported',
};

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `"${v.length > 40 ? v.slice(0, 40) + '...' : v}"` : typeof v === 'object' ? 'an object' : String(v));

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkParameters(v: unknown, path: string): OipParameters {
  if (!isObject(v)) throw new OipRequestError(path, `expected an object of key/value pairs, got ${describe(v)}`);
  for (const [key, value] of Object.entries(v)) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) throw new OipRequestError(`${path}.${key}`, `expected a string, number or boolean, got ${describe(value)}`);
    if (key in UNSUPPORTED_PARAMETERS && value !== false) throw new OipRequestError(`${path}.${key}`, UNSUPPORTED_PARAMETERS[key]);
  }
  return v as OipParameters;
}

/**
 * Flattens row-major data given flat or nested (one array level per dimension at most). Iterative,
 * so a hostile nesting depth is refused with a located error instead of exhausting the stack.
 */
function flatten(data: unknown[], dims: number, at: string): unknown[] {
  if (!data.some(Array.isArray)) return data;
  const out: unknown[] = [];
  const stack: Array<{ items: unknown[]; next: number; depth: number }> = [{ items: data, next: 0, depth: 1 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next >= top.items.length) {
      stack.pop();
      continue;
    }
    const v = top.items[top.next++];
    if (!Array.isArray(v)) out.push(v);
    else if (top.depth >= Math.max(1, dims)) throw new OipRequestError(`${at}.data`, `nested deeper than its shape (${dims} dimension${dims === 1 ? '' : 's'})`);
    else stack.push({ items: v, next: 0, depth: top.depth + 1 });
  }
  return out;
}

/**
 * Reads `POST .../infer` for the reference recommender: every error is an `OipRequestError`
 * naming the field. Unknown fields, inputs and outputs are refused (a typo must not be ignored).
 */
export function parseRecsysInferRequest(body: unknown): RecsysInferRequest {
  if (body === undefined) throw new OipRequestError('body', 'an inference request is required: {"inputs": [{"name": "user_id", "shape": [1], "datatype": "BYTES", "data": ["u-1"]}, ...]}');
  if (!isObject(body)) throw new OipRequestError('body', `expected a JSON object, got ${describe(body)}`);
  for (const key of Object.keys(body)) if (!REQUEST_KEYS.has(key)) throw new OipRequestError(key, 'unknown field; an inference request has id, parameters, inputs, outputs');
  const out: RecsysInferRequest = { rows: [], k: 0, inputIndex: {}, outputs: null };
  if (body.id !== undefined) {
    if (typeof body.id !== 'string') throw new OipRequestError('id', `expected a string, got ${describe(body.id)}`);
    out.id = body.id;
  }
  if (body.parameters !== undefined) out.parameters = checkParameters(body.parameters, 'parameters');
  if (!Array.isArray(body.inputs)) throw new OipRequestError('inputs', body.inputs === undefined ? 'is required: an array of input tensors' : `expected an array of input tensors, got ${describe(body.inputs)}`);
  const names = RECSYS_OIP_INPUTS.map((t) => t.name).join(', ');
  const columns: Partial<Record<'user_id' | 'query', { rows: number; shape: number[]; values: string[] }>> = {};
  body.inputs.forEach((input: unknown, i: number) => {
    const at = `inputs[${i}]`;
    if (!isObject(input)) throw new OipRequestError(at, `expected an input tensor object, got ${describe(input)}`);
    for (const key of Object.keys(input)) if (!INPUT_KEYS.has(key)) throw new OipRequestError(`${at}.${key}`, 'unknown field; an input tensor has name, shape, datatype, parameters, data');
    if (typeof input.name !== 'string') throw new OipRequestError(`${at}.name`, `expected a string, got ${describe(input.name)}`);
    const spec = RECSYS_OIP_INPUTS.find((t) => t.name === input.name);
    if (!spec) throw new OipRequestError(`${at}.name`, `unknown input "${input.name}"; the model takes ${names}`);
    if (out.inputIndex[spec.name] !== undefined) throw new OipRequestError(`${at}.name`, `input "${spec.name}" is given twice (also inputs[${out.inputIndex[spec.name]}])`);
    out.inputIndex[spec.name] = i;
    if (input.datatype !== spec.datatype) throw new OipRequestError(`${at}.datatype`, `expected ${spec.datatype} for ${spec.name}, got ${describe(input.datatype)}`);
    if (!Array.isArray(input.shape) || !input.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
      throw new OipRequestError(`${at}.shape`, `expected an array of non-negative integers, got ${JSON.stringify(input.shape) ?? 'nothing'}`);
    }
    const shape = input.shape as number[];
    const shown = `[${shape.join(', ')}]`;
    // The first dimension is the batch (rows); any further dimension must be 1 ([N] or [N, 1]). A scalar ([]) is one row.
    const rows = shape.length === 0 ? 1 : shape[0];
    if (shape.slice(1).some((d) => d !== 1)) throw new OipRequestError(`${at}.shape`, `expected [N] or [N, 1] (one ${spec.name} per row), got ${shown}`);
    if (spec.name === 'k') {
      if (rows !== 1) throw new OipRequestError(`${at}.shape`, `expected [1] (one k for every row), got ${shown}`);
    } else {
      if (rows < 1) throw new OipRequestError(`${at}.shape`, `expected at least 1 row, got ${shown}`);
      if (rows > RECSYS_OIP_MAX_ROWS) throw new OipRequestError(`${at}.shape`, `at most ${RECSYS_OIP_MAX_ROWS} rows per request, got ${shown}`);
    }
    if (input.parameters !== undefined) checkParameters(input.parameters, `${at}.parameters`);
    if (!Array.isArray(input.data)) throw new OipRequestError(`${at}.data`, input.data === undefined ? 'is required' : `expected an array, got ${describe(input.data)}`);
    const data = flatten(input.data, shape.length, at);
    if (data.length !== rows) throw new OipRequestError(`${at}.data`, `expected ${rows} element${rows === 1 ? '' : 's'} for shape ${shown}, got ${data.length}`);
    if (spec.datatype === 'BYTES') {
      const values: string[] = new Array(rows);
      for (let r = 0; r < rows; r++) {
        const v = data[r];
        if (typeof v !== 'string') throw new OipRequestError(rows === 1 ? `${at}.data` : `${at}.data[${r}]`, `expected a string (BYTES) for ${spec.name}, got ${describe(v)}`);
        values[r] = v;
      }
      columns[spec.name as 'user_id' | 'query'] = { rows, shape, values };
    } else {
      const v = data[0];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw new OipRequestError(`${at}.data`, `expected an INT32 integer for ${spec.name}, got ${describe(v)}`);
      out.k = v;
    }
  });
  for (const spec of RECSYS_OIP_INPUTS) {
    if (spec.name !== 'query' && out.inputIndex[spec.name] === undefined) {
      throw new OipRequestError('inputs', `missing input "${spec.name}" (${spec.datatype} [${(spec.shape as readonly number[]).map((d) => (d === -1 ? 'N' : d)).join(', ')}])`);
    }
  }
  const users = columns.user_id!;
  const queries = columns.query;
  if (queries && queries.rows !== users.rows) {
    throw new OipRequestError(
      `inputs[${out.inputIndex.query}].shape`,
      `expected [${users.rows}] matching inputs[${out.inputIndex.user_id}] (user_id, ${users.rows} row${users.rows === 1 ? '' : 's'}), got [${queries.shape.join(', ')}]`,
    );
  }
  out.rows = users.values.map((userId, r) => (queries ? { userId, query: queries.values[r] } : { userId }));
  if (body.outputs !== undefined) {
    if (!Array.isArray(body.outputs)) throw new OipRequestError('outputs', `expected an array of requested outputs, got ${describe(body.outputs)}`);
    const known = RECSYS_OIP_OUTPUTS.map((t) => t.name).join(', ');
    const asked: RecsysOipOutputName[] = [];
    body.outputs.forEach((o: unknown, i: number) => {
      const at = `outputs[${i}]`;
      if (!isObject(o)) throw new OipRequestError(at, `expected an object {"name": ...}, got ${describe(o)}`);
      for (const key of Object.keys(o)) if (!OUTPUT_KEYS.has(key)) throw new OipRequestError(`${at}.${key}`, 'unknown field; a requested output has name, parameters');
      const spec = RECSYS_OIP_OUTPUTS.find((t) => t.name === o.name);
      if (!spec) throw new OipRequestError(`${at}.name`, `unknown output ${describe(o.name)}; the model produces ${known}`);
      if (asked.includes(spec.name)) throw new OipRequestError(`${at}.name`, `output "${spec.name}" is asked for twice`);
      if (o.parameters !== undefined) checkParameters(o.parameters, `${at}.parameters`);
      asked.push(spec.name);
    });
    out.outputs = asked;
  }
  return out;
}

/** One ranked answer of the reference recommender, whatever the protocol that carried it. */
export interface RecsysAnswer {
  itemIds: string[];
  scores: number[];
  degraded: boolean;
  /** '' when not degraded. */
  degradedReason: string;
}

/**
 * The inference response for `answers` (one per row, in order), with the outputs asked for (all
 * when null). Several rows are answered `[N, k]` / `[N]`; one row keeps the un-batched shapes
 * `[k]` / `[1]`. Rows have k items each; should one have fewer (a catalogue smaller than k), every
 * row is cut to the shortest so that the tensor stays rectangular.
 */
export function recsysInferResponse(
  answers: RecsysAnswer | readonly RecsysAnswer[],
  opts: { model: string; version?: string | null; id?: string; parameters?: OipParameters; outputs?: RecsysOipOutputName[] | null },
): OipInferResponse {
  const rows: readonly RecsysAnswer[] = Array.isArray(answers) ? answers : [answers as RecsysAnswer];
  const names = opts.outputs ?? RECSYS_OIP_OUTPUTS.map((t) => t.name);
  const head = {
    model_name: opts.model,
    ...(opts.version ? { model_version: opts.version } : {}),
    ...(opts.id !== undefined ? { id: opts.id } : {}),
    ...(opts.parameters && Object.keys(opts.parameters).length > 0 ? { parameters: opts.parameters } : {}),
  };
  if (rows.length === 1) {
    const answer = rows[0];
    const n = answer.itemIds.length;
    const tensors: Record<RecsysOipOutputName, OipResponseOutput> = {
      item_ids: { name: 'item_ids', datatype: 'BYTES', shape: [n], data: answer.itemIds },
      scores: { name: 'scores', datatype: 'FP32', shape: [n], data: answer.scores },
      degraded: { name: 'degraded', datatype: 'BOOL', shape: [1], data: [answer.degraded] },
      degraded_reason: { name: 'degraded_reason', datatype: 'BYTES', shape: [1], data: [answer.degradedReason] },
    };
    return { ...head, outputs: names.map((name) => tensors[name]) };
  }
  const n = rows.length;
  let k = Infinity;
  for (const r of rows) k = Math.min(k, r.itemIds.length);
  const itemIds: string[] = [];
  const scores: number[] = [];
  for (const r of rows) {
    for (let j = 0; j < k; j++) {
      itemIds.push(r.itemIds[j]);
      scores.push(r.scores[j]);
    }
  }
  const tensors: Record<RecsysOipOutputName, () => OipResponseOutput> = {
    item_ids: () => ({ name: 'item_ids', datatype: 'BYTES', shape: [n, k], data: itemIds }),
    scores: () => ({ name: 'scores', datatype: 'FP32', shape: [n, k], data: scores }),
    degraded: () => ({ name: 'degraded', datatype: 'BOOL', shape: [n], data: rows.map((r) => r.degraded) }),
    degraded_reason: () => ({ name: 'degraded_reason', datatype: 'BYTES', shape: [n], data: rows.map((r) => r.degradedReason) }),
  };
  return { ...head, outputs: names.map((name) => tensors[name]()) };
}

/** The model metadata of the reference recommender. */
export function recsysModelMetadata(name: string, versions: string[]): OipModelMetadata {
  return {
    name,
    versions,
    platform: 'onnxruntime_onnx',
    inputs: RECSYS_OIP_INPUTS.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] })),
    outputs: RECSYS_OIP_OUTPUTS.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] })),
  };
}
