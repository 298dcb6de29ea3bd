/**
 * Runbook loading and validation. YAML is parsed with positions kept, checked against the runbook
 * JSON Schema (contracts) and then against rules a schema cannot express. Every problem names the
 * file, line, column and field path, and says what was expected — never a stack trace.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import { MODEL_STORE_STEP_KINDS, runbookSchema, TARGET_PROTOCOLS, type ModelStoreStep, type Runbook, type Step } from '@drillbook/contracts';
import { InvalidRunbook, type RunbookProblem } from '../errors.js';
import { loadLimitedYaml, YamlRefused } from '../yaml/limited.js';
import { durationMs, isDuration } from './duration.js';
import { semanticLimits } from './limits.js';
import { isKubernetesStep } from '../providers/kubernetes/runbookSteps.js';
import { providerProblems } from '../providers/index.js';

// strictNumbers: NaN and ±Infinity (YAML .nan / .inf) are not numbers for any field.
const ajv = new Ajv({ allErrors: true, discriminator: true, strict: false, verbose: true, strictNumbers: true });
ajv.addKeyword({
  keyword: 'durationMaxMs',
  type: 'string',
  schemaType: 'number',
  errors: false,
  validate: (max: number, data: string) => !isDuration(data) || durationMs(data) <= max,
});
const validateSchema = ajv.compile<Runbook>(runbookSchema);

export interface LoadedRunbook {
  runbook: Runbook;
  file: string;
  sha256: string;
  source: string;
}

type PathPart = string | number;

function locate(doc: Document, lc: LineCounter, path: PathPart[], key?: string): { line: number; column: number } {
  let node: unknown = path.length ? doc.getIn(path, true) : doc.contents;
  // Walk up to the nearest existing node.
  let p = path.slice();
  while (node === undefined && p.length) {
    p = p.slice(0, -1);
    node = p.length ? doc.getIn(p, true) : doc.contents;
  }
  let offset = (node as Node | undefined)?.range?.[0] ?? 0;
  if (key && isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
    const k = pair && isScalar(pair.key) ? pair.key : undefined;
    if (k?.range) offset = k.range[0];
  }
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col };
}

export function formatPath(path: PathPart[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : String(p)), '');
}

function pathOf(instancePath: string): PathPart[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
}

function valueAt(data: unknown, path: PathPart[]): unknown {
  let v: unknown = data;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

export const describe = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'a mapping'
        : typeof v === 'number' && !Number.isFinite(v)
          ? `${v} (not a finite number)`
          : `${typeof v} ${JSON.stringify(v)}`;

function message(e: ErrorObject, data: unknown): { message: string; key?: string } | null {
  const value = valueAt(data, pathOf(e.instancePath));
  const schema = e.parentSchema as { description?: string } | undefined;
  switch (e.keyword) {
    case 'required':
      return { message: `missing required field "${(e.params as { missingProperty: string }).missingProperty}"` };
    case 'additionalProperties': {
      const k = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      return { message: `unknown field "${k}"${allowed.length ? ` (expected one of: ${allowed.join(', ')})` : ''}`, key: k };
    }
    case 'type':
      if (typeof value === 'number' && !Number.isFinite(value)) return { message: `expected a finite number, got ${describe(value)}` };
      return { message: `expected ${schema?.description ?? (e.params as { type: string }).type}, got ${describe(value)}` };
    case 'durationMaxMs':
      return { message: `a duration of at most 24h, got ${describe(value)}` };
    case 'enum':
      return { message: `expected one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}` };
    case 'const':
      return { message: `expected ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}, got ${describe(value)}` };
    case 'pattern':
      return { message: `expected ${schema?.description ?? `a value matching ${(e.params as { pattern: string }).pattern}`}, got ${describe(value)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      return { message: `must be ${p.comparison} ${p.limit}, got ${describe(value)}` };
    }
    case 'minLength':
      return { message: `must not be shorter than ${(e.params as { limit: number }).limit} characters` };
    case 'maxLength':
      return { message: `must not be longer than ${(e.params as { limit: number }).limit} characters` };
    case 'minItems':
      return { message: `needs at least ${(e.params as { limit: number }).limit} item(s)` };
    case 'discriminator': {
      const p = e.params as { error: string; tag: string; tagValue: unknown };
      if (p.error === 'mapping') {
        return { message: `unknown ${p.tag} ${describe(p.tagValue)}` };
      }
      return { message: `missing "${p.tag}"` };
    }
    case 'if':
    case 'oneOf':
      return null; // the specific error of the chosen branch is reported instead
    default:
      return { message: e.message ?? e.keyword };
  }
}

/** Expected values for a step/detection `kind` (for the unknown-kind message). */
function kindsFor(path: PathPart[]): string[] {
  let schema: Record<string, unknown> = runbookSchema as unknown as Record<string, unknown>;
  for (const p of path) {
    if (typeof p === 'number') schema = (schema.items as Record<string, unknown>) ?? schema;
    else schema = ((schema.properties as Record<string, Record<string, unknown>>) ?? {})[p] ?? schema;
  }
  const kind = (schema.properties as Record<string, { enum?: string[] }> | undefined)?.kind;
  return kind?.enum ?? [];
}

/** Parse + validate runbook text. Returns the runbook or throws InvalidRunbook with every problem found. */
export function parseRunbook(text: string, file: string): Runbook {
  let loaded;
  try {
    loaded = loadLimitedYaml(text);
  } catch (e) {
    if (e instanceof YamlRefused) throw new InvalidRunbook(e.problems.map((p) => ({ file, line: p.line, column: p.column, path: '', message: p.message })));
    throw e;
  }
  const { doc, lineCounter: lc } = loaded;
  const problems: RunbookProblem[] = [];
  for (const err of doc.errors) {
    const pos = err.linePos?.[0] ?? { line: 1, col: 1 };
    const first = err.message.split('\n')[0].replace(/ at line [0-9]+, column [0-9]+:?$/, '');
    problems.push({ file, line: pos.line, column: pos.col, path: '', message: `YAML syntax error: ${first}` });
  }
  if (problems.length) throw new InvalidRunbook(problems);
  const data = loaded.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidRunbook([{ file, line: 1, column: 1, path: '', message: `expected a mapping (apiVersion, kind, metadata, ...), got ${describe(data)}` }]);
  }
  if (!validateSchema(data)) {
    const seen = new Set<string>();
    const errors = validateSchema.errors ?? [];
    // An unknown step kind is reported once, by the discriminator, not again by the kind enum.
    const unknownKind = new Set(errors.filter((e) => e.keyword === 'discriminator').map((e) => `${e.instancePath}/${(e.params as { tag: string }).tag}`));
    for (const e of errors) {
      if (e.keyword === 'enum' && unknownKind.has(e.instancePath)) continue;
      const m = message(e, data);
      if (!m) continue;
      const path = pathOf(e.instancePath);
      let text = m.message;
      if (e.keyword === 'discriminator') {
        const tag = (e.params as { tag: string }).tag;
        const kinds = tag === 'type' ? [...TARGET_PROTOCOLS] : kindsFor(path);
        if (kinds.length) text += ` (expected one of: ${kinds.join(', ')})`;
        path.push(tag);
      }
      const fullPath = m.key ? [...path, m.key] : path;
      const pos = locate(doc, lc, m.key ? path : fullPath, m.key);
      const entry = { file, line: pos.line, column: pos.column, path: formatPath(fullPath), message: text };
      const id = `${entry.path}|${entry.message}`;
      if (!seen.has(id)) {
        seen.add(id);
        problems.push(entry);
      }
    }
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new InvalidRunbook(problems);
  }
  const rb = data as Runbook;
  const semantic = [...semanticProblems(rb), ...semanticLimits(rb), ...providerProblems(rb)].map(({ path, message: msg }) => {
    const pos = locate(doc, lc, path);
    return { file, line: pos.line, column: pos.column, path: formatPath(path), message: msg };
  });
  if (semantic.length) throw new InvalidRunbook(semantic);
  return rb;
}

/** Rules beyond the schema: references, uniqueness, durations against the guardrails. */
function semanticProblems(rb: Runbook): Array<{ path: PathPart[]; message: string }> {
  const out: Array<{ path: PathPart[]; message: string }> = [];
  const names = new Map<string, string>();
  const sections: Array<[string, Step[] | undefined]> = [
    ['steps', rb.steps],
    ['rollback', rb.rollback],
  ];
  const steady = rb.steadyState ?? {};
  const allSteps: Array<{ step: Step; path: PathPart[] }> = [];
  for (const [section, steps] of sections) (steps ?? []).forEach((s, i) => allSteps.push({ step: s, path: [section, i] }));
  (steady.before ?? []).forEach((s, i) => allSteps.push({ step: s, path: ['steadyState', 'before', i] }));
  (steady.after ?? []).forEach((s, i) => allSteps.push({ step: s, path: ['steadyState', 'after', i] }));
  for (const { step, path } of allSteps) {
    const prev = names.get(step.name);
    if (prev) out.push({ path: [...path, 'name'], message: `step name "${step.name}" is already used at ${prev}; names must be unique` });
    else names.set(step.name, formatPath(path));
    if (step.kind === 'probe.http' && !step.url && !step.target) out.push({ path, message: 'a probe.http step needs "url", or "target" and "path"' });
    if (step.kind === 'probe.http' && step.target && !step.path && !step.url) out.push({ path: [...path, 'path'], message: 'missing "path" for the target probe' });
  }
  rb.objectives.forEach((o, i) => {
    if (o.sli === 'probe') {
      const s = allSteps.find((x) => x.step.name === o.probe);
      if (!s) out.push({ path: ['objectives', i, 'probe'], message: `no step named "${o.probe}"` });
      else if (!s.step.kind.startsWith('probe.')) out.push({ path: ['objectives', i, 'probe'], message: `step "${o.probe}" is a ${s.step.kind}, not a probe` });
    }
    if (o.sli !== 'probe' && o.probe) out.push({ path: ['objectives', i, 'probe'], message: 'only objectives with sli "probe" name a probe step' });
    if (o.sli !== 'promql' && o.promql) out.push({ path: ['objectives', i, 'promql'], message: 'only objectives with sli "promql" name a PromQL SLI' });
  });
  const total = ['baseline', 'fault', 'recovery'].reduce((a, p) => a + durationMs(rb.load.phases[p as 'fault']), 0);
  const maxMs = durationMs(rb.guardrails.maxDuration);
  if (total > maxMs) out.push({ path: ['guardrails', 'maxDuration'], message: `the load phases last ${total / 1000}s, longer than maxDuration ${rb.guardrails.maxDuration}` });
  for (const { step, path } of allSteps) {
    if (!isKubernetesStep(step) || step.kind === 'k8s.clear') continue;
    if (!rb.target.kubernetes) out.push({ path, message: `a ${step.kind} step needs target.kubernetes (namespace and selector)` });
    if ('mode' in step && step.mode === 'fixed' && step.value !== undefined && step.value > rb.guardrails.blastRadius.maxReplicas && path[0] !== 'rollback') {
      out.push({ path: [...path, 'value'], message: `acts on ${step.value} pods, more than guardrails.blastRadius.maxReplicas (${rb.guardrails.blastRadius.maxReplicas})` });
    }
    if (step.kind === 'chaos.network' && step.action === 'partition' && (rb.guardrails.blastRadius.maxZones ?? 1) < 2) {
      out.push({ path, message: 'a zone partition acts on two zones: set guardrails.blastRadius.maxZones to 2 or more' });
    }
  }
  if (allSteps.some(({ step, path }) => step.kind === 'k8s.scale' && path[0] !== 'rollback') && !rb.rollback.some((s) => s.kind === 'k8s.clear')) {
    out.push({ path: ['rollback'], message: 'a k8s.scale step is only undone by k8s.clear: add { kind: k8s.clear } to rollback' });
  }
  for (const { step: entry, path } of allSteps) {
    if (!(MODEL_STORE_STEP_KINDS as readonly string[]).includes(entry.kind)) continue;
    const step = entry as ModelStoreStep;
    const needsStore = step.kind !== 'model.rollout' && step.kind !== 'replica.add';
    if (needsStore && rb.target.url) out.push({ path: [...path, 'kind'], message: `a ${step.kind} step acts on the embedded stack's model store: remove target.url` });
    else if (needsStore && !rb.stack?.modelStore) out.push({ path: [...path, 'kind'], message: `a ${step.kind} step needs a model store: set stack.modelStore (e.g. "modelStore: {}")` });
    if (step.kind === 'replica.add' && rb.target.url) out.push({ path: [...path, 'kind'], message: 'a replica.add step scales the embedded stack: remove target.url' });
    if (step.kind === 'replica.add' && step.warmFrom && !/^replica:/.test(step.warmFrom)) out.push({ path: [...path, 'warmFrom'], message: `expected one replica ("replica:<id>") to copy the cache from, got "${step.warmFrom}"` });
    if (step.kind === 'replica.add' && path[0] === 'rollback') out.push({ path, message: 'a replica.add step cannot be a rollback step (the rollback removes added replicas)' });
  }
  if (rb.load.distributed && !rb.target.kubernetes) out.push({ path: ['load', 'distributed'], message: 'distributed load runs on the k6 operator: set target.kubernetes' });
  if (rb.load.distributed && !rb.load.scenario) out.push({ path: ['load', 'distributed'], message: 'distributed load runs the k6 scenario: set load.scenario' });
  const max = rb.guardrails.blastRadius.maxReplicas;
  const embeddedReplicas = rb.target.url ? null : (rb.stack?.replicas ?? 3);
  for (const { step, path } of allSteps) {
    const sel = 'target' in step && typeof step.target === 'string' ? step.target : null;
    if (!sel || step.kind.startsWith('probe.') || path[0] === 'rollback') continue;
    const m = /^any:([0-9]+)$/.exec(sel);
    const n = m ? Number(m[1]) : sel === 'all' ? embeddedReplicas : null;
    if (n !== null && n > max) out.push({ path: [...path, 'target'], message: `targets ${n} replicas, more than guardrails.blastRadius.maxReplicas (${max})` });
  }
  return out;
}

/**
 * Objectives with `sli: promql` must name one of the service's PromQL SLIs (controller config
 * `services[].slis`), which the runbook alone cannot know: checked where a runbook meets a service
 * (the controller, before a drill starts or is planned). Every problem is located at the objective's
 * `promql` field and names the SLIs the service has.
 */
export function promqlObjectiveProblems(loaded: Pick<LoadedRunbook, 'runbook' | 'file' | 'source'>, configured: readonly string[], service: string): RunbookProblem[] {
  const bad = loaded.runbook.objectives.map((o, i) => ({ o, i })).filter(({ o }) => o.sli === 'promql' && !configured.includes(o.promql ?? ''));
  if (!bad.length) return [];
  const { doc, lineCounter: lc } = loadLimitedYaml(loaded.source);
  const have = configured.length ? `it has: ${configured.join(', ')}` : 'it has none (add services[].slis to the controller config)';
  return bad.map(({ o, i }) => {
    const path = ['objectives', i, 'promql'];
    const pos = locate(doc, lc, path);
    return { file: loaded.file, line: pos.line, column: pos.column, path: formatPath(path), message: `no PromQL SLI "${o.promql}" is configured for service ${service} (${have})` };
  });
}

export function loadRunbook(file: string): LoadedRunbook {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InvalidRunbook([{ file, line: 1, column: 1, path: '', message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  const runbook = parseRunbook(source, file);
  return { runbook, file, source, sha256: createHash('sha256').update(source).digest('hex') };
}

/** Files named by the arguments: YAML files as given, directories searched (not recursively) for *.yaml / *.yml. */
export function runbookFiles(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    let st;
    try {
      st = statSync(a);
    } catch {
      out.push(a); // reported as unreadable by loadRunbook
      continue;
    }
    if (st.isDirectory()) {
      for (const f of readdirSync(a).sort()) if (['.yaml', '.yml'].includes(extname(f))) out.push(join(a, f));
    } else out.push(a);
  }
  return out;
}

/** Validate files; every problem of every file, located. */
export function validateFiles(args: string[]): { files: string[]; problems: RunbookProblem[] } {
  const files = runbookFiles(args);
  const problems: RunbookProblem[] = [];
  for (const f of files) {
    try {
      loadRunbook(f);
    } catch (e) {
      if (e instanceof InvalidRunbook) problems.push(...e.problems.map((p) => ({ ...p, file: relative(process.cwd(), p.file) || p.file })));
      else problems.push({ file: f, line: 1, column: 1, path: '', message: `unexpected error: ${(e as Error).message}` });
    }
  }
  return { files, problems };
}
