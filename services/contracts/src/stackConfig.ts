/**
 * A stack configuration file: the embedded reference stack's settings (`EmbeddedStackSpec`, the same
 * shape as a runbook's `stack:` section) on their own, as `drillbook tune` writes its
 * `recommended.json`, and as `npm run stack -- --config FILE` and `drillbook run --stack-config FILE`
 * read it. Checked against the runbook schema's `stack` section, with errors naming the file and field.
 *
 *   { "apiVersion": "drillbook.dev/v1", "kind": "StackConfig", "spec": { "replicas": 3, ... }, ... }
 *
 * Other top-level keys (the tune's provenance: `measured`, `source`) are kept for people and ignored.
 */
import type { EmbeddedStackSpec } from './runbook.js';
import { runbookSchema } from './schemas.js';

export const STACK_CONFIG_KIND = 'StackConfig';

export interface StackConfigFile {
  apiVersion: 'drillbook.dev/v1';
  kind: typeof STACK_CONFIG_KIND;
  spec: EmbeddedStackSpec;
  [extra: string]: unknown;
}

export class InvalidStackConfig extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid stack config: ${problems.join('; ')}`);
    this.name = 'InvalidStackConfig';
  }
}

type SchemaNode = { type?: string | string[]; properties?: Record<string, SchemaNode>; additionalProperties?: boolean; minimum?: number; exclusiveMinimum?: number; maximum?: number; items?: SchemaNode; minItems?: number; pattern?: string; enum?: readonly unknown[] };

const STACK_SCHEMA = (runbookSchema as unknown as { properties: { stack: SchemaNode } }).properties.stack;

/** Check a value against the subset of JSON Schema the `stack` section uses; problems name the path. */
function check(node: SchemaNode, v: unknown, path: string, out: string[]): void {
  const t = node.type;
  if (t === 'object') {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return void out.push(`${path}: expected an object`);
    for (const [k, x] of Object.entries(v)) {
      const p = node.properties?.[k];
      if (!p) {
        if (node.additionalProperties === false) out.push(`${path}.${k}: unknown key (expected one of ${Object.keys(node.properties ?? {}).join(', ')})`);
        continue;
      }
      check(p, x, `${path}.${k}`, out);
    }
  } else if (t === 'boolean') {
    if (typeof v !== 'boolean') out.push(`${path}: expected true or false, got ${JSON.stringify(v)}`);
  } else if (t === 'integer' || t === 'number') {
    if (typeof v !== 'number' || !Number.isFinite(v) || (t === 'integer' && !Number.isInteger(v))) return void out.push(`${path}: expected ${t === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(v)}`);
    if (node.minimum !== undefined && v < node.minimum) out.push(`${path}: must be >= ${node.minimum}, got ${v}`);
    if (node.exclusiveMinimum !== undefined && v <= node.exclusiveMinimum) out.push(`${path}: must be > ${node.exclusiveMinimum}, got ${v}`);
    if (node.maximum !== undefined && v > node.maximum) out.push(`${path}: must be <= ${node.maximum}, got ${v}`);
  } else if (t === 'array') {
    if (!Array.isArray(v)) return void out.push(`${path}: expected an array`);
    if (node.minItems !== undefined && v.length < node.minItems) out.push(`${path}: expected at least ${node.minItems} item(s)`);
    v.forEach((x, i) => node.items && check(node.items, x, `${path}[${i}]`, out));
  } else if (t === 'string') {
    if (typeof v !== 'string') return void out.push(`${path}: expected a string`);
    if (node.pattern && !new RegExp(node.pattern).test(v)) out.push(`${path}: must match ${node.pattern}, got "${v}"`);
  }
  if (node.enum && !node.enum.includes(v)) out.push(`${path}: expected one of ${node.enum.join(', ')}, got ${JSON.stringify(v)}`);
}

/** Problems of an `EmbeddedStackSpec` value (empty = valid); paths start at `prefix`. */
export function stackSpecProblems(spec: unknown, prefix = 'spec'): string[] {
  const out: string[] = [];
  check(STACK_SCHEMA, spec, prefix, out);
  return out;
}

/** Parse a stack config file's text (JSON); throws `InvalidStackConfig` naming the file and field. */
export function parseStackConfig(text: string, file: string): StackConfigFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InvalidStackConfig(file, [`not JSON: ${(e as Error).message}`]);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidStackConfig(file, ['expected a JSON object with apiVersion, kind and spec']);
  const o = v as Record<string, unknown>;
  const problems: string[] = [];
  if (o.apiVersion !== 'drillbook.dev/v1') problems.push(`apiVersion: expected "drillbook.dev/v1", got ${JSON.stringify(o.apiVersion)}`);
  if (o.kind !== STACK_CONFIG_KIND) problems.push(`kind: expected "${STACK_CONFIG_KIND}", got ${JSON.stringify(o.kind)}`);
  if (o.spec === undefined) problems.push('spec: missing (the stack settings: replicas, gateway, replica, ...)');
  else problems.push(...stackSpecProblems(o.spec));
  if (problems.length) throw new InvalidStackConfig(file, problems);
  return o as StackConfigFile;
}

/** A stack config file for a spec (what `drillbook tune` writes), with extra keys for provenance. */
export function stackConfigFile(spec: EmbeddedStackSpec, extra: Record<string, unknown> = {}): StackConfigFile {
  return { apiVersion: 'drillbook.dev/v1', kind: STACK_CONFIG_KIND, spec, ...extra };
}

/** `over` on top of `base`, the `gateway`, `replica` and `model` sections merged key by key (a runbook's `stack:` under a tuned config). */
export function mergeStackSpec(base: EmbeddedStackSpec | undefined, over: EmbeddedStackSpec): EmbeddedStackSpec {
  const b = base ?? {};
  return {
    ...b,
    ...over,
    ...(b.gateway || over.gateway ? { gateway: { ...b.gateway, ...over.gateway } } : {}),
    ...(b.replica || over.replica ? { replica: { ...b.replica, ...over.replica } } : {}),
    ...(b.model || over.model ? { model: { ...b.model, ...over.model } } : {}),
  };
}
