/** YAML text -> data with every Ajv error located at file:line:column and named by field path. */
import { TARGET_PROTOCOLS } from '@drillbook/contracts';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Node } from 'yaml';
import type { ConfigProblem } from '../errors.js';

type PathPart = string | number;

export const formatPath = (path: PathPart[]) => path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : String(p)), '');

const pathOf = (instancePath: string): PathPart[] =>
  instancePath
    ? instancePath
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s))
    : [];

export class YamlSource {
  readonly doc: Document;
  private readonly lc = new LineCounter();

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lc, uniqueKeys: true });
  }

  syntaxProblems(): ConfigProblem[] {
    return this.doc.errors.map((e) => ({ file: this.file, line: e.linePos?.[0].line ?? 1, column: e.linePos?.[0].col ?? 1, path: '', message: `YAML syntax error: ${e.message.split('\n')[0]}` }));
  }

  /** Problem at a field (or the nearest existing parent), optionally at one of its keys. */
  at(path: PathPart[], message: string, key?: string): ConfigProblem {
    let p = path.slice();
    let node: unknown = p.length ? this.doc.getIn(p, true) : this.doc.contents;
    while (node === undefined && p.length) {
      p = p.slice(0, -1);
      node = p.length ? this.doc.getIn(p, true) : this.doc.contents;
    }
    let offset = (node as Node | undefined)?.range?.[0] ?? 0;
    if (key && isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    const pos = this.lc.linePos(offset);
    return { file: this.file, line: pos.line, column: pos.col, path: formatPath(key ? [...path, key] : path), message };
  }

  schemaProblems(validate: ValidateFunction, data: unknown): ConfigProblem[] {
    if (validate(data)) return [];
    const out: ConfigProblem[] = [];
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      const m = describeError(e);
      if (!m) continue;
      const p = this.at(pathOf(e.instancePath), m.message, m.key);
      const k = `${p.path}|${p.message}`;
      if (!seen.has(k)) (seen.add(k), out.push(p));
    }
    return out.sort((a, b) => a.line - b.line || a.column - b.column);
  }
}

function describeError(e: ErrorObject): { message: string; key?: string } | null {
  const schema = e.parentSchema as { description?: string; properties?: object } | undefined;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { message: `missing required field "${p.missingProperty}"` };
    case 'additionalProperties':
      return { message: `unknown field "${p.additionalProperty}" (expected one of: ${Object.keys(schema?.properties ?? {}).join(', ')})`, key: String(p.additionalProperty) };
    case 'type':
      return { message: `expected ${p.type}, got ${JSON.stringify(e.data)}` };
    case 'enum':
      return { message: `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(e.data)}` };
    case 'pattern':
      return { message: `expected ${schema?.description ?? `a value matching ${p.pattern}`}, got ${JSON.stringify(e.data)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { message: `must be ${p.comparison} ${p.limit}, got ${JSON.stringify(e.data)}` };
    case 'minLength':
      return { message: 'must not be empty' };
    case 'minItems':
      return { message: `needs at least ${p.limit} item(s)` };
    case 'discriminator':
      // A protocol block's `type` (the only discriminated block here).
      return p.error === 'mapping' ? { message: `unknown ${String(p.tag)} ${JSON.stringify(p.tagValue)} (expected one of: ${TARGET_PROTOCOLS.join(', ')})`, key: String(p.tag) } : { message: `missing "${String(p.tag)}"` };
    default:
      return { message: e.message ?? e.keyword };
  }
}
