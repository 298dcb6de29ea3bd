/**
 * Validates custom resources against their upstream CustomResourceDefinitions (the
 * `spec.versions[].schema.openAPIV3Schema` of each CRD file in ../shared/fixtures/kubernetes).
 * The schemas are OpenAPI v3.0 (JSON Schema draft 4: boolean `exclusiveMinimum`), so Ajv's
 * draft-04 build runs them, in strict mode with the `x-kubernetes-*` extensions registered as keywords:
 * `x-kubernetes-int-or-string` is enforced (integer or string), the others are structural hints
 * the API server applies (list/map semantics, pruning, CEL rules) and are accepted as annotations.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';

const Ajv = AjvDraft04 as unknown as typeof AjvDraft04.default;
import { parse } from 'yaml';

/** ../shared/fixtures/kubernetes relative to the repository root (this file is deploy/src/validate). */
export const CRD_FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/kubernetes');

export function crdFixturesPresent(dir: string = CRD_FIXTURES_DIR): boolean {
  return existsSync(dir);
}

export interface CrdProblem {
  path: string;
  message: string;
}

interface Crd {
  spec: { group: string; names: { kind: string }; versions: Array<{ name: string; schema?: { openAPIV3Schema: Record<string, unknown> } }> };
}

/** OpenAPI formats that appear in CRDs; numbers and strings are checked by `type`, the format itself is informative. */
const OPENAPI_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'date-time', 'date', 'password', 'int-or-string', 'duration', 'uri', 'uuid', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac'];
const ANNOTATION_KEYWORDS = [
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-validations',
  // OpenAPI v3.0 annotation (litmus ChaosEngine)
  'allowEmptyValue',
];

/**
 * CRD patterns are Go RE2 expressions: the inline flag `(?i)` at the start (`^(?i)(abort|warn)?$` in
 * prometheus-operator) is not JavaScript syntax, so it becomes the `i` flag.
 */
function re2(pattern: string, flags: string): RegExp {
  const m = /^(\^?)\(\?i\)/.exec(pattern);
  return m ? new RegExp(m[1] + pattern.slice(m[0].length), `${flags}i`) : new RegExp(pattern, flags);
}
re2.code = 're2';

function newAjv(): InstanceType<typeof Ajv> {
  const ajv = new Ajv({
    strict: true,
    allErrors: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    validateFormats: false,
    code: { regExp: re2 as never },
  });
  for (const f of OPENAPI_FORMATS) ajv.addFormat(f, true);
  for (const k of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword: k, schemaType: ['boolean', 'string', 'array', 'object'] });
  ajv.addKeyword({
    keyword: 'x-kubernetes-int-or-string',
    schemaType: 'boolean',
    validate: (enabled: boolean, data: unknown) => !enabled || typeof data === 'string' || Number.isInteger(data),
    errors: false,
  });
  return ajv;
}

function crdFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml') && !f.startsWith('examples'))
    .map((f) => path.join(dir, f))
    .sort();
}

export class CrdValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  /** Loads every CRD under `dir`. Throws when the directory is missing (check crdFixturesPresent first). */
  constructor(dir: string = CRD_FIXTURES_DIR) {
    const ajv = newAjv();
    for (const file of crdFiles(dir)) {
      const crd = parse(readFileSync(file, 'utf8'), { maxAliasCount: -1 }) as Crd;
      if (!crd?.spec?.versions) continue;
      for (const v of crd.spec.versions) {
        if (!v.schema) continue;
        this.validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
      }
    }
  }

  /** `apiVersion/kind` keys this validator knows, e.g. `chaos-mesh.org/v1alpha1/PodChaos`. */
  kinds(): string[] {
    return [...this.validators.keys()].sort();
  }

  knows(apiVersion: string, kind: string): boolean {
    return this.validators.has(`${apiVersion}/${kind}`);
  }

  /** Problems of one object (empty when it is valid). An unknown apiVersion/kind is a problem. */
  problems(object: object): CrdProblem[] {
    const obj = object as { apiVersion?: unknown; kind?: unknown };
    const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
    const validate = this.validators.get(key);
    if (!validate) return [{ path: '', message: `no CRD schema for ${key}` }];
    if (validate(obj)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => ({ path: e.instancePath || '/', message: `${e.message ?? e.keyword}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}` }));
  }

  /** Throws with every problem listed when the object does not validate. */
  assertValid(object: object): void {
    const obj = object as { kind?: unknown; metadata?: { name?: string } };
    const problems = this.problems(obj);
    if (problems.length) throw new Error(`${String(obj.kind)} ${obj.metadata?.name ?? '(unnamed)'} does not match its CRD: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  }
}
