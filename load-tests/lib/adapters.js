// Protocol adapters: how one held-out session becomes a request to the target, and how the target's
// answer becomes ranked item ids (+ degraded flag and model version when the protocol gives them).
// ONE module for both load engines: the k6 scripts import it, the built-in engine and the drill
// engine's probes load it too (services/drill-controller/src/load/adapters.ts). ES2017 only (k6 runs
// it under Babel 6): no optional chaining, no object spread, no npm packages.
//
// Protocols (a target's `protocol` block, contracts src/target.ts):
//   { type: 'drillbook' }                                   POST /v1/recommend (the reference stack)
//   { type: 'oip-v2', model, version?, inputs?, outputs? }  Open Inference Protocol v2 REST
//   { type: 'json', path, method?, body?, headers?, itemIds, itemId?, degraded?, modelVersion?, readinessPath? }
//
// A response that does not fit its adapter throws an AdapterError whose message names the field
// (`outputs[0].data: expected an array of item ids`); messages never quote response values, so they
// are bounded tag values in the load outputs (the error breakdown).

/** Defaults of the oip-v2 adapter: the reference recommender's tensor layout (contracts src/oip.ts). */
export const OIP_DEFAULTS = Object.freeze({
  model: 'recsys-two-tower',
  inputs: Object.freeze({ userId: 'user_id', query: 'query', k: 'k' }),
  outputs: Object.freeze({ itemIds: 'item_ids', scores: 'scores', degraded: 'degraded' }),
});

export const PROTOCOL_TYPES = Object.freeze(['drillbook', 'oip-v2', 'json']);
export const PLACEHOLDERS = Object.freeze(['userId', 'query', 'k']);

/** A response that does not match its adapter; `field` is where (`outputs[0].data`). */
export class AdapterError extends Error {
  /** @param {string} field @param {string} detail */
  constructor(field, detail) {
    super(`${field}: ${detail}`);
    this.name = 'AdapterError';
    this.field = field;
    this.detail = detail;
  }
}

/** @param {unknown} v */
function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** @param {unknown} v */
function kind(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

// ---------------------------------------------------------------------------------------------
// JSON Pointer (RFC 6901). k6 cannot load npm packages, so the evaluation lives here; the unit
// tests check it against the `jsonpointer` package on the same documents.

/**
 * Parses a JSON Pointer into reference tokens; throws a plain Error saying what is wrong.
 * @param {string} pointer
 * @returns {string[]}
 */
export function parsePointer(pointer) {
  if (typeof pointer !== 'string') throw new Error(`expected a JSON Pointer string, got ${kind(pointer)}`);
  if (pointer === '') return [];
  if (pointer.charAt(0) !== '/') throw new Error(`a JSON Pointer starts with "/" (RFC 6901), got ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~[^01]|~$/.test(t)) throw new Error(`"~" must be followed by 0 or 1 in a JSON Pointer (RFC 6901), got ${JSON.stringify(pointer)}`);
      return t.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/**
 * The value at `tokens` in `doc`, or `undefined` with where the walk stopped.
 * @param {unknown} doc
 * @param {string[]} tokens
 * @returns {{ found: true, value: unknown } | { found: false, at: string }}
 */
export function evaluatePointer(doc, tokens) {
  let v = doc;
  let at = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (Array.isArray(v)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= v.length) return { found: false, at: at || '(root)' };
      v = v[Number(t)];
    } else if (isObject(v) && Object.prototype.hasOwnProperty.call(v, t)) {
      v = /** @type {Record<string, unknown>} */ (v)[t];
    } else {
      return { found: false, at: at || '(root)' };
    }
    at += `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  }
  return { found: true, value: v };
}

// ---------------------------------------------------------------------------------------------
// Templates

/** @param {string} s @param {{ userId: string, query: string, k: number }} vars @param {boolean} encode */
function fillString(s, vars, encode) {
  return s.replace(/\{\{\s*(userId|query|k)\s*\}\}/g, (_m, name) => {
    const v = String(/** @type {Record<string, unknown>} */ (vars)[name]);
    return encode ? encodeURIComponent(v) : v;
  });
}

/**
 * Fills a JSON body template: a string that is exactly `{{k}}` becomes the number k (exactly
 * `{{userId}}`/`{{query}}` the string); placeholders inside longer strings are substituted as text.
 * @param {unknown} t @param {{ userId: string, query: string, k: number }} vars
 * @returns {unknown}
 */
function fillTemplate(t, vars) {
  if (typeof t === 'string') {
    const whole = /^\{\{\s*(userId|query|k)\s*\}\}$/.exec(t);
    if (whole) return /** @type {Record<string, unknown>} */ (vars)[whole[1]];
    return fillString(t, vars, false);
  }
  if (Array.isArray(t)) return t.map((x) => fillTemplate(x, vars));
  if (isObject(t)) {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const key of Object.keys(/** @type {object} */ (t))) out[key] = fillTemplate(/** @type {Record<string, unknown>} */ (t)[key], vars);
    return out;
  }
  return t;
}

/** Placeholder names used in a template (strings anywhere in it), for validation. @param {unknown} t @returns {string[]} */
export function placeholdersIn(t) {
  /** @type {string[]} */
  const out = [];
  /** @param {unknown} x */
  const walk = (x) => {
    if (typeof x === 'string') {
      const re = /\{\{\s*([^}]*?)\s*\}\}/g;
      let m;
      while ((m = re.exec(x)) !== null) out.push(m[1]);
    } else if (Array.isArray(x)) x.forEach(walk);
    else if (isObject(x)) Object.keys(/** @type {object} */ (x)).forEach((k) => walk(/** @type {Record<string, unknown>} */ (x)[k]));
  };
  walk(t);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Config checks (the same rules as the runbook schema; here so k6 and the engine refuse a bad
// block with a located error even when it did not come through a runbook)

/** A protocol block that is wrong; `field` names where (`protocol.itemIds`). */
export class ProtocolConfigError extends Error {
  /** @param {string} field @param {string} detail */
  constructor(field, detail) {
    super(`${field}: ${detail}`);
    this.name = 'ProtocolConfigError';
    this.field = field;
    this.detail = detail;
  }
}

const KEYS = {
  drillbook: ['type'],
  'oip-v2': ['type', 'model', 'version', 'inputs', 'outputs'],
  json: ['type', 'method', 'path', 'body', 'headers', 'itemIds', 'itemId', 'degraded', 'modelVersion', 'readinessPath'],
};
const TENSOR_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Checks a protocol block and returns it with its defaults filled; throws ProtocolConfigError.
 * `undefined` = the reference stack's protocol (drillbook).
 * @param {unknown} raw @param {string} [at] field path of the block
 */
export function checkProtocol(raw, at) {
  const where = at || 'protocol';
  const fail = (/** @type {string} */ f, /** @type {string} */ d) => {
    throw new ProtocolConfigError(f ? `${where}.${f}` : where, d);
  };
  if (raw === undefined || raw === null) return { type: 'drillbook' };
  if (!isObject(raw)) fail('', `expected a mapping with a "type" (${PROTOCOL_TYPES.join(', ')}), got ${kind(raw)}`);
  const p = /** @type {Record<string, any>} */ (raw);
  if (PROTOCOL_TYPES.indexOf(p.type) < 0) fail('type', `expected one of ${PROTOCOL_TYPES.map((t) => JSON.stringify(t)).join(', ')}, got ${JSON.stringify(p.type)}`);
  const allowed = /** @type {Record<string, string[]>} */ (KEYS)[p.type];
  Object.keys(p).forEach((key) => {
    if (allowed.indexOf(key) < 0) fail(key, `unknown field for protocol "${p.type}" (expected one of: ${allowed.join(', ')})`);
  });
  if (p.type === 'drillbook') return { type: 'drillbook' };
  if (p.type === 'oip-v2') {
    const model = p.model === undefined ? OIP_DEFAULTS.model : p.model;
    if (typeof model !== 'string' || !MODEL_NAME.test(model)) fail('model', `expected a model name (letters, digits, "_", ".", "-"), got ${JSON.stringify(model)}`);
    if (p.version !== undefined && (typeof p.version !== 'string' || !MODEL_NAME.test(p.version))) fail('version', `expected a model version (letters, digits, "_", ".", "-"), got ${JSON.stringify(p.version)}`);
    /** @param {string} group @param {Record<string, string>} defaults @param {string[]} required */
    const names = (group, defaults, required) => {
      const given = p[group] === undefined ? {} : p[group];
      if (!isObject(given)) fail(group, `expected a mapping of tensor names, got ${kind(given)}`);
      /** @type {Record<string, string | null>} */
      const out = {};
      Object.keys(given).forEach((key) => {
        if (!Object.prototype.hasOwnProperty.call(defaults, key)) fail(`${group}.${key}`, `unknown tensor role (expected one of: ${Object.keys(defaults).join(', ')})`);
      });
      Object.keys(defaults).forEach((role) => {
        const v = given[role] === undefined ? defaults[role] : given[role];
        if (v === null && required.indexOf(role) < 0) out[role] = null;
        else if (typeof v !== 'string' || !TENSOR_NAME.test(v)) fail(`${group}.${role}`, `expected a tensor name${required.indexOf(role) < 0 ? ' or null (not sent)' : ''}, got ${JSON.stringify(v)}`);
        else out[role] = v;
      });
      return out;
    };
    const inputs = names('inputs', OIP_DEFAULTS.inputs, ['userId', 'k']);
    const outputs = names('outputs', OIP_DEFAULTS.outputs, ['itemIds']);
    /** @type {Record<string, unknown>} */
    const out = { type: 'oip-v2', model, inputs, outputs };
    if (p.version !== undefined) out.version = p.version;
    return out;
  }
  // json
  const method = p.method === undefined ? 'POST' : p.method;
  if (['GET', 'POST', 'PUT'].indexOf(method) < 0) fail('method', `expected "GET", "POST" or "PUT", got ${JSON.stringify(method)}`);
  if (typeof p.path !== 'string' || p.path.charAt(0) !== '/') fail('path', `expected a path starting with "/" (placeholders {{userId}}, {{query}}, {{k}} allowed), got ${p.path === undefined ? 'nothing' : JSON.stringify(p.path)}`);
  if (method === 'GET' && p.body !== undefined) fail('body', 'a GET request has no body; put the placeholders in "path"');
  if (p.headers !== undefined) {
    if (!isObject(p.headers)) fail('headers', `expected a mapping of header name to value, got ${kind(p.headers)}`);
    Object.keys(p.headers).forEach((h) => {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(h)) fail(`headers.${h}`, 'not a valid HTTP header name');
      if (typeof p.headers[h] !== 'string' || /[\r\n\0]/.test(p.headers[h])) fail(`headers.${h}`, 'expected a string without line breaks');
    });
  }
  ['path', 'body', 'headers'].forEach((f) => {
    placeholdersIn(p[f]).forEach((name) => {
      if (PLACEHOLDERS.indexOf(name) < 0) fail(f, `unknown placeholder {{${name}}} (expected {{userId}}, {{query}} or {{k}})`);
    });
  });
  /** @param {string} f @param {boolean} required */
  const pointer = (f, required) => {
    if (p[f] === undefined) {
      if (required) fail(f, 'is required: a JSON Pointer (RFC 6901) to the list of item ids, e.g. "/items"');
      return;
    }
    try {
      parsePointer(p[f]);
    } catch (e) {
      fail(f, /** @type {Error} */ (e).message);
    }
  };
  pointer('itemIds', true);
  pointer('itemId', false);
  pointer('degraded', false);
  pointer('modelVersion', false);
  if (p.readinessPath !== undefined && p.readinessPath !== null && (typeof p.readinessPath !== 'string' || p.readinessPath.charAt(0) !== '/')) {
    fail('readinessPath', `expected a path starting with "/" or null (no readiness check), got ${JSON.stringify(p.readinessPath)}`);
  }
  /** @type {Record<string, unknown>} */
  const out = { type: 'json', method, path: p.path, itemIds: p.itemIds };
  ['body', 'headers', 'itemId', 'degraded', 'modelVersion', 'readinessPath'].forEach((f) => {
    if (p[f] !== undefined) out[f] = p[f];
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Adapters

/**
 * @typedef {{ userId: string, query: string, k: number }} Session
 * @typedef {{ method: string, path: string, body: string | null, headers: Record<string, string> }} BuiltRequest
 * @typedef {{ itemIds: string[], degraded: boolean, modelVersion: string | null }} ParsedAnswer
 * @typedef {{ path: string, what: string }} ReadinessCheck
 * @typedef {{ type: string, name: string, build(s: Session): BuiltRequest, parse(text: string): ParsedAnswer, readiness: ReadinessCheck[] }} Adapter
 */

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (_) {
    throw new AdapterError('body', 'expected a JSON document');
  }
}

/** @param {unknown} v @param {string} field */
function itemId(v, field) {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && isFinite(v)) return String(v);
  throw new AdapterError(field, `expected an item id (a non-empty string or a number), got ${kind(v)}`);
}

/** @returns {Adapter} */
function drillbookAdapter() {
  return {
    type: 'drillbook',
    name: 'recommend',
    readiness: [{ path: '/readyz', what: 'service readiness' }],
    build(s) {
      return { method: 'POST', path: '/v1/recommend', body: JSON.stringify({ userId: s.userId, query: s.query, k: s.k }), headers: { 'content-type': 'application/json' } };
    },
    parse(text) {
      const r = parseJson(text);
      if (!isObject(r)) throw new AdapterError('body', `expected a recommendation object, got ${kind(r)}`);
      if (!Array.isArray(r.items)) throw new AdapterError('items', `expected an array of recommended items, got ${r.items === undefined ? 'nothing' : kind(r.items)}`);
      const ids = r.items.map((/** @type {unknown} */ it, /** @type {number} */ i) => {
        if (!isObject(it)) throw new AdapterError(`items[${i}]`, `expected an item object, got ${kind(it)}`);
        return itemId(/** @type {Record<string, unknown>} */ (it).itemId, `items[${i}].itemId`);
      });
      if (r.degraded !== undefined && typeof r.degraded !== 'boolean') throw new AdapterError('degraded', `expected a boolean, got ${kind(r.degraded)}`);
      return { itemIds: ids, degraded: r.degraded === true, modelVersion: typeof r.modelVersion === 'string' ? r.modelVersion : null };
    },
  };
}

/** @param {Record<string, any>} c @returns {Adapter} */
function oipAdapter(c) {
  const modelPath = `/v2/models/${encodeURIComponent(c.model)}${c.version ? `/versions/${encodeURIComponent(c.version)}` : ''}`;
  const inNames = c.inputs;
  const outNames = c.outputs;
  /** @type {{ name: string }[]} */
  const asked = [{ name: outNames.itemIds }];
  if (outNames.scores) asked.push({ name: outNames.scores });
  if (outNames.degraded) asked.push({ name: outNames.degraded });
  return {
    type: 'oip-v2',
    name: 'recommend',
    readiness: [
      { path: '/v2/health/ready', what: 'server readiness' },
      { path: `${modelPath}/ready`, what: `model ${c.model}${c.version ? ` version ${c.version}` : ''} readiness` },
    ],
    build(s) {
      /** @type {unknown[]} */
      const inputs = [{ name: inNames.userId, datatype: 'BYTES', shape: [1], data: [s.userId] }];
      if (inNames.query) inputs.push({ name: inNames.query, datatype: 'BYTES', shape: [1], data: [s.query] });
      inputs.push({ name: inNames.k, datatype: 'INT32', shape: [1], data: [s.k] });
      return { method: 'POST', path: `${modelPath}/infer`, body: JSON.stringify({ inputs, outputs: asked }), headers: { 'content-type': 'application/json' } };
    },
    parse(text) {
      const r = parseJson(text);
      if (!isObject(r)) throw new AdapterError('body', `expected an inference response object, got ${kind(r)}`);
      if (!Array.isArray(r.outputs)) throw new AdapterError('outputs', `expected an array of output tensors, got ${r.outputs === undefined ? 'nothing' : kind(r.outputs)}`);
      /** @param {string} name */
      const find = (name) => {
        for (let i = 0; i < r.outputs.length; i++) {
          const o = r.outputs[i];
          if (!isObject(o)) throw new AdapterError(`outputs[${i}]`, `expected an output tensor object, got ${kind(o)}`);
          if (o.name === name) return { o, i };
        }
        return null;
      };
      const ids = find(outNames.itemIds);
      if (!ids) throw new AdapterError('outputs', `no output tensor named "${outNames.itemIds}" (the item ids)`);
      if (!Array.isArray(ids.o.data)) throw new AdapterError(`outputs[${ids.i}].data`, 'expected an array of item ids');
      const itemIds = ids.o.data.map((/** @type {unknown} */ v, /** @type {number} */ j) => itemId(v, `outputs[${ids.i}].data[${j}]`));
      let degraded = false;
      if (outNames.degraded) {
        const d = find(outNames.degraded);
        if (d) {
          if (!Array.isArray(d.o.data) || d.o.data.length !== 1 || (typeof d.o.data[0] !== 'boolean' && d.o.data[0] !== 0 && d.o.data[0] !== 1)) {
            throw new AdapterError(`outputs[${d.i}].data`, 'expected one BOOL (the degraded flag)');
          }
          degraded = d.o.data[0] === true || d.o.data[0] === 1;
        }
      }
      if (r.model_version !== undefined && typeof r.model_version !== 'string') throw new AdapterError('model_version', `expected a string, got ${kind(r.model_version)}`);
      return { itemIds, degraded, modelVersion: typeof r.model_version === 'string' ? r.model_version : null };
    },
  };
}

/** @param {Record<string, any>} c @returns {Adapter} */
function jsonAdapter(c) {
  const itemIdsPtr = parsePointer(c.itemIds);
  const itemIdPtr = c.itemId === undefined ? null : parsePointer(c.itemId);
  const degradedPtr = c.degraded === undefined ? null : parsePointer(c.degraded);
  const versionPtr = c.modelVersion === undefined ? null : parsePointer(c.modelVersion);
  /** @type {Record<string, string>} */
  const baseHeaders = {};
  if (c.body !== undefined) baseHeaders['content-type'] = 'application/json';
  if (c.headers) Object.keys(c.headers).forEach((h) => (baseHeaders[h.toLowerCase()] = c.headers[h]));
  const readinessPath = c.readinessPath === undefined ? null : c.readinessPath;
  return {
    type: 'json',
    name: 'recommend',
    readiness: readinessPath ? [{ path: readinessPath, what: 'service readiness' }] : [],
    build(s) {
      /** @type {Record<string, string>} */
      const headers = {};
      Object.keys(baseHeaders).forEach((h) => (headers[h] = fillString(baseHeaders[h], s, false)));
      return {
        method: c.method,
        path: fillString(c.path, s, true),
        body: c.body === undefined ? null : JSON.stringify(fillTemplate(c.body, s)),
        headers,
      };
    },
    parse(text) {
      const doc = parseJson(text);
      const list = evaluatePointer(doc, itemIdsPtr);
      if (!list.found) throw new AdapterError(c.itemIds || '(root)', `not in the response (the walk stopped at ${list.at}): expected an array of item ids`);
      if (!Array.isArray(list.value)) throw new AdapterError(c.itemIds || '(root)', `expected an array of item ids, got ${kind(list.value)}`);
      const itemIds = list.value.map((/** @type {unknown} */ el, /** @type {number} */ i) => {
        const at = `${c.itemIds}/${i}`;
        if (!itemIdPtr) return itemId(el, at);
        const v = evaluatePointer(el, itemIdPtr);
        if (!v.found) throw new AdapterError(`${at}${c.itemId}`, 'not in the response: expected an item id');
        return itemId(v.value, `${at}${c.itemId}`);
      });
      let degraded = false;
      if (degradedPtr) {
        const d = evaluatePointer(doc, degradedPtr);
        if (d.found) {
          if (typeof d.value !== 'boolean') throw new AdapterError(c.degraded || '(root)', `expected a boolean (the degraded flag), got ${kind(d.value)}`);
          degraded = d.value;
        }
      }
      let modelVersion = null;
      if (versionPtr) {
        const v = evaluatePointer(doc, versionPtr);
        if (v.found && v.value !== null) {
          if (typeof v.value !== 'string' && typeof v.value !== 'number') throw new AdapterError(c.modelVersion || '(root)', `expected a model version (a string or number), got ${kind(v.value)}`);
          modelVersion = String(v.value);
        }
      }
      return { itemIds, degraded, modelVersion };
    },
  };
}

/**
 * The adapter of a protocol block (checked first; throws ProtocolConfigError on a bad block).
 * @param {unknown} protocol @param {string} [at]
 * @returns {Adapter}
 */
export function makeAdapter(protocol, at) {
  const c = /** @type {Record<string, any>} */ (checkProtocol(protocol, at));
  if (c.type === 'oip-v2') return oipAdapter(c);
  if (c.type === 'json') return jsonAdapter(c);
  return drillbookAdapter();
}

/**
 * The protocol block the k6 scripts run with: `TARGET_PROTOCOL` holds it as JSON (unset = drillbook).
 * @param {Record<string, string | undefined>} env
 */
export function protocolFromEnv(env) {
  const raw = env.TARGET_PROTOCOL;
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch (_) {
    throw new ProtocolConfigError('TARGET_PROTOCOL', 'expected the protocol block as JSON, e.g. {"type":"oip-v2","model":"recsys-two-tower"}');
  }
}
