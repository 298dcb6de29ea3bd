/** Validates one parsed document against `SLO_SCHEMA`, turning Ajv errors into located problems. */
import { Ajv, type ErrorObject } from 'ajv';
import type { SpecProblem } from '../errors.js';
import { pointerToPath, problemAt, type SourceDocument } from './document.js';
import { SLO_SCHEMA } from './schema.js';

const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
const validate = ajv.compile(SLO_SCHEMA);

function message(e: ErrorObject): string {
  const schema = e.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;
  switch (e.keyword) {
    case 'required':
      return `missing required field "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'additionalProperties': {
      const allowed = Object.keys(schema?.properties ?? {});
      return `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`;
    }
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `must be ${schema?.description ?? `a string matching ${(e.params as { pattern: string }).pattern}`}, got ${JSON.stringify(e.data)}`;
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      if (e.instancePath.endsWith('/target')) return `must be a ratio strictly between 0 and 1 (e.g. 0.999), got ${JSON.stringify(e.data)}: 1 leaves no error budget`;
      return e.message ?? e.keyword;
    case 'propertyNames':
      return `has an invalid key: ${e.message}`;
    default:
      return e.message ?? e.keyword;
  }
}

export function validateSchema(src: SourceDocument, data: unknown): SpecProblem[] {
  if (validate(data)) return [];
  const problems: SpecProblem[] = [];
  for (const e of validate.errors ?? []) {
    const path = pointerToPath(e.instancePath);
    if (e.keyword === 'required') {
      problems.push(problemAt(src, [...path, (e.params as { missingProperty: string }).missingProperty], message(e)));
    } else if (e.keyword === 'additionalProperties') {
      problems.push(problemAt(src, [...path, (e.params as { additionalProperty: string }).additionalProperty], message(e), { key: true }));
    } else if (e.keyword === 'propertyNames') {
      const key = (e.params as { propertyName?: string }).propertyName;
      if (key !== undefined) problems.push(problemAt(src, [...path, key], `label name "${key}" must be a Prometheus label name not starting with sloth_`, { key: true }));
    } else if (e.keyword === 'pattern' && e.instancePath.includes('/labels') && problems.some((p) => p.path.endsWith(String(path[path.length - 1])))) {
      // Reported through propertyNames already.
    } else {
      problems.push(problemAt(src, path, message(e)));
    }
  }
  return dedupe(problems);
}

function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
