import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidRunbook } from '../errors.js';
import { parseRunbook, promqlObjectiveProblems, validateFiles } from './validate.js';

const REPO = join(import.meta.dirname, '../../../..');
const base = readFileSync(join(REPO, 'runbooks/replica-loss.yaml'), 'utf8');

function problems(text: string) {
  try {
    parseRunbook(text, 'rb.yaml');
  } catch (e) {
    if (e instanceof InvalidRunbook) return e.problems;
    throw e; // anything else would surface as a stack trace: a defect
  }
  return [];
}

/** Line (1-based) of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('runbook validation', () => {
  it('accepts every runbook shipped in runbooks/', () => {
    const r = validateFiles([join(REPO, 'runbooks')]);
    expect(r.files.length).toBeGreaterThan(0);
    expect(r.problems).toEqual([]);
  });

  // A fuzz set of malformed runbooks: each must give a located error naming the field, never a crash.
  const cases: Array<[string, string, { path: string; message: RegExp; line?: string }]> = [
    ['a rate written as a word', base.replace('rate: 150', 'rate: fast'), { path: 'load.rate', message: /expected number, got string "fast"/, line: 'rate: fast' }],
    ['a negative rate', base.replace('rate: 150', 'rate: -5'), { path: 'load.rate', message: /must be > 0/ }],
    ['a duration without a unit', base.replace('baseline: 20s', 'baseline: 20'), { path: 'load.phases.baseline', message: /expected a duration such as "500ms", "30s"/ }],
    ['a duration in words', base.replace('maxDuration: 3m', 'maxDuration: three minutes'), { path: 'guardrails.maxDuration', message: /expected a duration/ }],
    ['an unknown step kind', base.replace('kind: process.kill', 'kind: process.explode'), { path: 'steps[0].kind', message: /unknown kind string "process.explode" \(expected one of: fault.inject,/ }],
    ['a protocol that does not exist', base.replace(/\ntarget:\n/, '\ntarget:\n  protocol: { type: grpc }\n'), { path: 'target.protocol.type', message: /unknown type string "grpc" \(expected one of: drillbook, oip-v2, json\)/, line: 'type: grpc' }],
    ['an oip-v2 tensor name that is not one', base.replace(/\ntarget:\n/, '\ntarget:\n  protocol: { type: oip-v2, outputs: { itemIds: [ids] } }\n'), { path: 'target.protocol.outputs.itemIds', message: /expected a tensor name, got a list/ }],
    ['a json protocol without the item ids pointer', base.replace(/\ntarget:\n/, '\ntarget:\n  protocol: { type: json, path: /recs }\n'), { path: 'target.protocol', message: /missing required field "itemIds"/ }],
    ['a json protocol pointer without its slash', base.replace(/\ntarget:\n/, '\ntarget:\n  protocol: { type: json, path: /recs, itemIds: items }\n'), { path: 'target.protocol.itemIds', message: /expected a JSON Pointer \(RFC 6901\)/ }],
    ['an unknown placeholder in a json path', base.replace(/\ntarget:\n/, '\ntarget:\n  protocol: { type: json, path: "/recs?u={{user}}", itemIds: /items }\n'), { path: 'target.protocol.path', message: /whose only placeholders are \{\{userId\}\}/ }],
    ['a misspelt oip-v2 field', base.replace(/\ntarget:\n/, '\ntarget:\n  protocol: { type: oip-v2, modle: m }\n'), { path: 'target.protocol.modle', message: /unknown field "modle" \(expected one of: type, model, version, inputs, outputs\)/ }],
    ['a misspelt field', base.replace('hypothesis: >-', 'hypothesys: >-'), { path: 'hypothesys', message: /unknown field "hypothesys"/ }],
    ['a missing required section', base.replace(/\nobjectives:[\s\S]*?\ndetection:/, '\ndetection:'), { path: '', message: /missing required field "objectives"/ }],
    ['an objective SLI that does not exist', base.replace('sli: failed_requests', 'sli: vibes'), { path: 'objectives[0].sli', message: /expected one of "availability"/ }],
    ['a comparator that is not allowed', base.replace('op: "<=", target: 0, weight: 3', 'op: "<<", target: 0, weight: 3'), { path: 'objectives[0].op', message: /expected one of "<=", ">="/ }],
    ['a string where a list is expected', base.replace('rollback: []', 'rollback: none'), { path: 'rollback', message: /expected array, got string "none"/ }],
    ['a target selector that is not one', base.replace('target: "any:1"', 'target: "two replicas"'), { path: 'steps[0].target', message: /expected a target selector: any:N, zone:<zone>/ }],
    ['a probe objective naming a missing step', base.replace('probe: replica re-admitted', 'probe: no such probe'), { path: 'objectives[4].probe', message: /no step named "no such probe"/ }],
    ['two steps with one name', base.replace('name: replica re-admitted\n', 'name: kill one replica\n'), { path: 'steps[1].name', message: /step name "kill one replica" is already used at steps\[0\]/ }],
    ['phases longer than the maximum duration', base.replace('maxDuration: 3m', 'maxDuration: 30s'), { path: 'guardrails.maxDuration', message: /the load phases last 90s, longer than maxDuration 30s/ }],
    ['a step that exceeds the blast radius', base.replace('target: "any:1"', 'target: "any:2"'), { path: 'steps[0].target', message: /targets 2 replicas, more than guardrails.blastRadius.maxReplicas \(1\)/ }],
    ['a fault TTL that is not a duration', base.replace('steps:\n', 'steps:\n  - { kind: fault.inject, name: slow, target: "any:1", fault: { type: latency, latencyMs: 50 }, ttl: forever }\n'), { path: 'steps[0].ttl', message: /expected a duration/ }],
    ['a fault without a TTL', base.replace('steps:\n', 'steps:\n  - { kind: fault.inject, name: slow, target: "any:1", fault: { type: latency, latencyMs: 50 } }\n'), { path: 'steps[0]', message: /missing required field "ttl"/ }],
    ['a model variant the embedded stack cannot serve', base.replace('rollback: []', 'rollback: []\nstack: { model: { variant: int4 } }'), { path: 'stack.model.variant', message: /expected one of "fp32", "int8", "fp16", got string "int4"/, line: 'variant: int4' }],
    ['an unknown fault type', base.replace('steps:\n', 'steps:\n  - { kind: fault.inject, name: slow, target: "any:1", fault: { type: gremlins }, ttl: 5s }\n'), { path: 'steps[0].fault.type', message: /expected one of "latency", "error"/ }],
    ['an unclosed flow mapping', base.replace('phases: { baseline: 20s, fault: 40s, recovery: 30s }', 'phases: { baseline: 20s, fault: 40s'), { path: '', message: /YAML syntax error/ }],
    ['a tab-indented block', base.replace('  owner: team-recsys-platform', '\towner: team-recsys-platform'), { path: '', message: /YAML syntax error/ }],
    ['a duplicate key', base.replace('  title: Replica loss under peak load', '  title: Replica loss under peak load\n  title: again'), { path: '', message: /YAML syntax error: Map keys must be unique/ }],
    ['a document that is a list', '- just\n- a list\n', { path: '', message: /expected a mapping/ }],
    ['a promql objective without the SLI name', base.replace('sli: failed_requests, op: "<="', 'sli: promql, op: "<="'), { path: 'objectives[0]', message: /missing required field "promql"/ }],
    ['a PromQL SLI name on another objective', base.replace('sli: failed_requests, op: "<="', 'sli: failed_requests, promql: triton-errors, op: "<="'), { path: 'objectives[0].promql', message: /only objectives with sli "promql" name a PromQL SLI/ }],
    ['a PromQL SLI name that is not a name', base.replace('sli: failed_requests, op: "<="', 'sli: promql, promql: "sum(rate(x[5m]))", op: "<="'), { path: 'objectives[0].promql', message: /expected|must match/ }],
    ['an empty document', '', { path: '', message: /expected a mapping/ }],
  ];

  it.each(cases)('rejects %s with a located error', (_name, text, want) => {
    const ps = problems(text);
    expect(ps.length).toBeGreaterThan(0);
    const p = ps.find((x) => x.path === want.path && want.message.test(x.message));
    expect(p, `got: ${ps.map((x) => `${x.line}:${x.column} ${x.path}: ${x.message}`).join(' | ')}`).toBeTruthy();
    expect(p!.file).toBe('rb.yaml');
    expect(p!.line).toBeGreaterThanOrEqual(1);
    expect(p!.column).toBeGreaterThanOrEqual(1);
    if (want.line) expect(p!.line).toBe(lineOf(text, want.line));
    expect(p!.message).not.toMatch(/\n\s+at /); // no stack traces
  });

  it('reports every problem of a runbook at once, in file order', () => {
    const text = base.replace('rate: 150', 'rate: fast').replace('maxDuration: 3m', 'maxDuration: soon');
    const ps = problems(text);
    expect(ps.map((p) => p.path)).toEqual(['load.rate', 'guardrails.maxDuration']);
    expect(ps[0].line).toBeLessThan(ps[1].line);
  });

  it('names a file it cannot read', () => {
    const r = validateFiles([join(REPO, 'runbooks/does-not-exist.yaml')]);
    expect(r.problems[0].message).toMatch(/cannot read file: ENOENT/);
  });

  it('checks that a promql objective names one of the service\'s configured PromQL SLIs, located, naming the ones it has', () => {
    const text = base.replace('sli: failed_requests, op: "<="', 'sli: promql, promql: trition-errors, phase: fault, op: "<="');
    const runbook = parseRunbook(text, 'rb.yaml');
    const loaded = { runbook, file: 'rb.yaml', source: text };
    const ps = promqlObjectiveProblems(loaded, ['triton-errors', 'triton-latency'], 'recsys-triton');
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatchObject({ file: 'rb.yaml', path: 'objectives[0].promql', line: lineOf(text, 'promql: trition-errors') });
    expect(ps[0].message).toBe('no PromQL SLI "trition-errors" is configured for service recsys-triton (it has: triton-errors, triton-latency)');
    expect(promqlObjectiveProblems(loaded, [], 'recsys-triton')[0].message).toMatch(/it has none \(add services\[\]\.slis to the controller config\)/);
    const fixed = text.replace('trition-errors', 'triton-errors');
    expect(promqlObjectiveProblems({ runbook: parseRunbook(fixed, 'rb.yaml'), file: 'rb.yaml', source: fixed }, ['triton-errors'], 'recsys-triton')).toEqual([]);
  });
});
