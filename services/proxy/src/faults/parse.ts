/**
 * Validate a `POST <prefix>/faults` body against the contract's JSON Schema (Ajv). The first problem
 * is reported with its field path (`delay.meanMs: must be <= 600000, got 1e+300`).
 */
import { Ajv, type ErrorObject } from 'ajv';
import { PROXY_FAULT_TYPES, proxyFaultRequestSchema, type ProxyFaultRequest } from '@drillbook/contracts';
import { BadRequest } from '../errors.js';

const ajv = new Ajv({ allErrors: true, discriminator: true, strict: false });
const validate = ajv.compile<ProxyFaultRequest>(proxyFaultRequestSchema);

const fieldOf = (instancePath: string, extra?: string) => {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.reduce((acc, p) => (/^[0-9]+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || 'body';
};

/** JSON.parse turns 1e400 into Infinity: refuse it by name before the schema sees it. */
function nonFinite(v: unknown, path: string[]): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : '/' + path.join('/');
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const r = nonFinite(x, [...path, k]);
      if (r) return r;
    }
  }
  return null;
}

function describe(e: ErrorObject): { field: string; message: string } {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: fieldOf(e.instancePath, String(p.missingProperty)), message: p.missingProperty === 'ttlMs' ? 'is required: every fault expires on its own' : 'is required' };
    case 'additionalProperties':
      return { field: fieldOf(e.instancePath, String(p.additionalProperty)), message: 'is not a field of this fault' };
    case 'discriminator':
      return p.error === 'mapping'
        ? { field: fieldOf(e.instancePath, String(p.tag)), message: `unknown value ${JSON.stringify(p.tagValue)}${p.tag === 'type' && e.instancePath === '' ? `; expected one of ${PROXY_FAULT_TYPES.join(', ')}` : ''}` }
        : { field: fieldOf(e.instancePath, String(p.tag)), message: 'must be a string' };
    case 'minimum':
    case 'maximum':
      return { field: fieldOf(e.instancePath), message: `must be ${p.comparison} ${p.limit}, got ${JSON.stringify(e.data ?? null)}` };
    case 'enum':
      return { field: fieldOf(e.instancePath), message: `must be one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}` };
    default:
      return { field: fieldOf(e.instancePath), message: e.message ?? e.keyword };
  }
}

export function parseProxyFault(body: unknown): ProxyFaultRequest {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('body must be a JSON object', 'body');
  const bad = nonFinite(body, []);
  if (bad) {
    const field = fieldOf(bad);
    throw new BadRequest(`${field}: must be a finite number`, field);
  }
  if (!validate(body)) {
    const errs = (validate.errors ?? []).map((e) => ({ ...describe(e), kw: e.keyword }));
    // Prefer the most specific problem: a missing or unknown field, then a bad value, then oneOf noise.
    const rank = (kw: string) => (kw === 'discriminator' ? 0 : kw === 'required' ? 1 : kw === 'additionalProperties' ? 2 : kw === 'oneOf' ? 9 : 3);
    errs.sort((a, b) => rank(a.kw) - rank(b.kw));
    const first = errs[0] ?? { field: 'body', message: 'is not a valid fault' };
    throw new BadRequest(`${first.field}: ${first.message}`, first.field);
  }
  const f = body as ProxyFaultRequest;
  if (f.type === 'latency' && f.delay.distribution === 'uniform' && f.delay.maxMs < f.delay.minMs) {
    throw new BadRequest(`delay.maxMs: must be >= delay.minMs (${f.delay.minMs}), got ${f.delay.maxMs}`, 'delay.maxMs');
  }
  return f;
}
