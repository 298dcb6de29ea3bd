/**
 * Fuzz suite for runbooks: mutated copies of every shipped runbook (type swaps, deletions, YAML
 * syntax breaks, huge and non-finite numbers) plus alias bombs and deep nesting. Each must either
 * validate — and then carry only finite numbers and no objective that every measurement meets — or
 * be refused with located problems (file:line:col, field path, no stack trace). A hang fails by the
 * per-test timeout.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { InvalidRunbook, parseRunbook, runbookFiles, type RunbookProblem } from '@drillbook/drill-controller';
import type { Runbook } from '@drillbook/contracts';
import { trivialObjective } from '../services/drill-controller/src/runbook/limits.js';
import { durationMs } from '../services/drill-controller/src/runbook/duration.js';

const DIR = import.meta.dirname;
const sources = runbookFiles([DIR]).map((f) => readFileSync(f, 'utf8'));

/** Deterministic PRNG (mulberry32): the same 240 mutants on every run. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = Array<string | number>;

const SWAPS: unknown[] = ['fast', 42, -1, 0, [], {}, null, true, '1e308', 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 3.5];

function mutate(src: string, r: () => number): { text: string; what: string } {
  const choice = r();
  if (choice < 0.2) {
    // YAML syntax breaks on the text.
    const lines = src.split('\n');
    const i = Math.floor(r() * lines.length);
    const breaks = [
      (l: string) => l.replace(':', ''),
      (l: string) => `\t${l}`,
      (l: string) => l.replace('{', '{{'),
      (l: string) => l.replace('}', ''),
      (l: string) => `${l} "unterminated`,
      (l: string) => `${l}\n  &anchor *nope`,
      (l: string) => l.replace(/^(\s*)/, '$1   '),
    ];
    const b = Math.floor(r() * breaks.length);
    lines[i] = breaks[b](lines[i]);
    return { text: lines.join('\n'), what: `syntax break ${b} at line ${i + 1}` };
  }
  const doc = parseDocument(src);
  const paths: Path[] = [];
  const walk = (v: unknown, p: Path) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    else paths.push(p);
  };
  walk(doc.toJS(), []);
  const p = paths[Math.floor(r() * paths.length)];
  if (choice < 0.4) {
    doc.deleteIn(p);
    return { text: String(doc), what: `deleted ${p.join('.')}` };
  }
  const v = SWAPS[Math.floor(r() * SWAPS.length)];
  doc.setIn(p, doc.createNode(v));
  return { text: String(doc), what: `${p.join('.')} = ${String(v)}` };
}

function outcome(text: string): { runbook: Runbook } | { problems: RunbookProblem[] } {
  try {
    return { runbook: parseRunbook(text, 'fuzz.yaml') };
  } catch (e) {
    if (e instanceof InvalidRunbook) return { problems: e.problems };
    throw e; // anything else would reach the user as a stack trace
  }
}

function expectLocated(problems: RunbookProblem[], text: string) {
  expect(problems.length).toBeGreaterThan(0);
  const lines = text.split('\n').length;
  for (const p of problems) {
    expect(p.file).toBe('fuzz.yaml');
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.line).toBeLessThanOrEqual(lines + 1);
    expect(p.column).toBeGreaterThanOrEqual(1);
    expect(p.message).not.toMatch(/\n\s+at |Maximum call stack|unexpected error|got number null/);
  }
}

function numbersOf(v: unknown, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => numbersOf(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => numbersOf(x, out));
  return out;
}

describe('runbook fuzz: mutated shipped runbooks', () => {
  const r = rng(21);
  const mutants = Array.from({ length: 240 }, (_, i) => {
    const src = sources[i % sources.length];
    return { i, ...mutate(src, r) };
  });

  it.each(mutants.map((m) => [m.i, m.what, m.text] as const))('mutant %i (%s) validates cleanly or is refused with located problems', (_i, _what, text) => {
    const o = outcome(text);
    if ('problems' in o) return expectLocated(o.problems, text);
    // Accepted: only finite numbers, and no objective that cannot be missed.
    for (const n of numbersOf(o.runbook)) expect(Number.isFinite(n)).toBe(true);
    const timeoutMs = o.runbook.load.timeout ? durationMs(o.runbook.load.timeout) : 2000;
    for (const obj of o.runbook.objectives) expect(trivialObjective(obj, timeoutMs)).toBeNull();
  });

  it('refuses a good share of the mutants (the fuzzer is not a no-op)', () => {
    const refused = mutants.filter((m) => 'problems' in outcome(m.text)).length;
    expect(refused).toBeGreaterThan(mutants.length / 2);
  });
});

const base = sources.find((s) => s.includes('name: replica-loss'))!;
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const problemsOf = (text: string) => {
  const o = outcome(text);
  return 'problems' in o ? o.problems : [];
};

describe('runbook fuzz: the issue #21 reproductions', () => {
  it('refuses load.quick.rate 1e308 at the quick rate, located', () => {
    const text = base.replace(/quick: \{ rate: [0-9]+/, 'quick: { rate: 1e308');
    expect(text).not.toBe(base);
    const ps = problemsOf(text);
    expectLocated(ps, text);
    const p = ps.find((x) => x.path === 'load.quick.rate');
    expect(p?.message).toMatch(/must be <= 100000, got number 1e\+308/);
    expect(p?.line).toBe(lineOf(text, 'quick: { rate: 1e308'));
  });

  it('is refused end to end by the CLI: validate exits 1 and run exits 2 before starting anything, both located', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drillbook-fuzz-cli-'));
    try {
      const file = join(dir, 'huge.yaml');
      writeFileSync(file, base.replace(/quick: \{ rate: [0-9]+/, 'quick: { rate: 1e308').replace(/maxDuration: [0-9]+m/, 'maxDuration: 30s'));
      const cli = join(DIR, '../services/drill-controller/bin/drillbook.js');
      const v = spawnSync(process.execPath, [cli, 'validate', file], { encoding: 'utf8', timeout: 60_000 });
      expect(v.status).toBe(1);
      expect(v.stderr).toMatch(new RegExp(`huge\\.yaml:[0-9]+:[0-9]+: load\\.quick\\.rate: must be <= 100000, got number 1e\\+308`));
      const r = spawnSync(process.execPath, [cli, 'run', file, '--quick', '--yes', '--load', 'builtin', '--out', join(dir, 'out')], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/load\.quick\.rate: must be <= 100000/);
      expect(r.stdout).not.toMatch(/embedded reference stack/); // nothing was started
      expect(`${v.stderr}${r.stderr}`).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a per-phase rate of 1e308 and a rate the engines cannot schedule in --quick', () => {
    const huge = base.replace('rate: 150\n', 'rate: 150\n  phaseRates: { fault: 1e308 }\n');
    expect(problemsOf(huge).find((x) => x.path === 'load.phaseRates.fault')?.message).toMatch(/must be <= 100000/);
    // Within each field's range, but the quick profile scales the fault phase to 60,000 x 150/150 over 100k total requests.
    const many = base.replace(/quick: \{ rate: [0-9]+/, 'quick: { rate: 90000');
    const p = problemsOf(many).find((x) => x.path === 'load.quick.rate');
    expect(p?.message).toMatch(/--quick profile: the plan sends [0-9,]+ requests, more than 1,000,000 per drill/);
  });

  it.each([
    ['an objective target', (t: string) => t.replace('op: "<=", target: 0, weight: 3', 'op: "<=", target: .nan, weight: 3'), 'objectives[0].target'],
    ['an objective target of .inf', (t: string) => t.replace('op: "<=", target: 0, weight: 3', 'op: "<=", target: .inf, weight: 3'), 'objectives[0].target'],
    ['an abort threshold', (t: string) => t.replace(/threshold: [0-9.]+/, 'threshold: -.inf'), 'guardrails.abortWhen[0].threshold'],
    ['a probe expect.value', (t: string) => t.replace(/expect: \{ op: "([<>=!]+)", value: [0-9.]+ \}/, 'expect: { op: "$1", value: .nan }'), null],
  ] as const)('refuses a non-finite number in %s, naming the field', (_name, edit, path) => {
    const text = edit(base);
    expect(text).not.toBe(base);
    const ps = problemsOf(text);
    expectLocated(ps, text);
    const p = ps.find((x) => (path ? x.path === path : /expect\.value$/.test(x.path)) && /expected a finite number, got (NaN|-?Infinity) \(not a finite number\)/.test(x.message));
    expect(p, ps.map((x) => `${x.path}: ${x.message}`).join(' | ')).toBeTruthy();
  });

  it.each([
    ['availability >= 0', 'sli: availability, op: ">=", target: 0'],
    ['error_rate <= 1', 'sli: error_rate, op: "<=", target: 1'],
    ['failed_requests >= 0', 'sli: failed_requests, op: ">=", target: 0'],
    ['latency_p99_ms <= 600000', 'sli: latency_p99_ms, op: "<=", target: 600000'],
    ['latency_p99_ms at the request timeout', 'sli: latency_p99_ms, op: "<=", target: 2000'],
  ])('refuses an objective every measurement meets: %s', (_name, objective) => {
    const text = base.replace('sli: failed_requests, op: "<=", target: 0', objective);
    expect(text).not.toBe(base);
    const p = problemsOf(text).find((x) => x.path === 'objectives[0].target');
    expect(p?.message).toMatch(/is meaningless: .*(always met|cannot be missed)/);
  });

  it('locates an alias bomb and accepts an ordinary number of aliases', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    const ps = problemsOf(bomb);
    expectLocated(ps, bomb);
    expect(ps[0].message).toMatch(/aliases expand to more than 10000 nodes/);
    expect(ps[0].line).toBeGreaterThan(1);
    // 100 aliases of one scalar is an ordinary document: validated as a runbook, not refused as an attack.
    const withAliases = base.replace(/owner: ([a-z-]+)/, 'owner: &own $1').replace(/\n  tags: .*\n/, `\n  tags: [${Array(100).fill('*own').join(', ')}]\n`);
    expect(withAliases).toContain('*own, *own');
    expect(problemsOf(withAliases)).toEqual([]);
  });

  it.each([
    ['flow sequences', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['flow mappings', `${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}`],
    ['compact block sequences', `${'- '.repeat(100_000)}x`],
  ])('locates very deep nesting of %s instead of overflowing the stack', (_name, text) => {
    const ps = problemsOf(text);
    expectLocated(ps, text);
    expect(ps[0].message).toMatch(/nested more than 64 levels deep/);
  });

  it('refuses a runbook over 1 MiB before parsing it', () => {
    const text = `${base}\n${'# padding\n'.repeat(120_000)}`;
    const ps = problemsOf(text);
    expect(ps[0].message).toMatch(/more than the 1048576 a runbook may have/);
  });

  it('refuses a duration above 24h, naming the field', () => {
    const text = base.replace(/maxDuration: [0-9]+m/, 'maxDuration: 25h');
    const p = problemsOf(text).find((x) => x.path === 'guardrails.maxDuration');
    expect(p?.message).toMatch(/a duration of at most 24h, got string "25h"/);
  });
});
