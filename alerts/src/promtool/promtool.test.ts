/**
 * The generated behaviour tests have teeth: promtool passes them on the generated rules, and fails
 * them when a rule is weakened the way a careless edit would (a higher page threshold, a dropped
 * minimum-traffic gate, synthetic traffic counted, no traffic turned into no sample instead of
 * Sloth's NaN). Needs Debian's promtool.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { sloRuleGroups } from '../generate.js';
import { ALERTS_CONFIG } from '../config.js';
import { toYaml } from '../output/yaml.js';
import { parseSloSpecs } from '../spec/loadSpecs.js';
import { promtoolCheckRules, promtoolTestRules } from './run.js';
import { sloTestGroups } from './sloTests.js';
import type { PromtoolTestFile } from './testFile.js';

const generated = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'generated');
const RULES = path.join(generated, 'recsys-reference', 'availability.rules.yaml');
const TESTS = path.join(generated, 'tests', 'recsys-reference-availability.test.yaml');
const GATED_SPEC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__', 'golden', 'in-latency.yaml');

let dir: string;
/** Rules and tests of an SLO that opts into the minimum-traffic gate (the reference SLOs do not). */
let gated: { rules: string; tests: string };
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'drillbook-promtool-'));
  const [slo] = parseSloSpecs([{ file: 'in-latency.yaml', text: await readFile(GATED_SPEC, 'utf8') }]);
  const groups = sloRuleGroups(slo);
  gated = { rules: path.join(dir, 'gated.rules.yaml'), tests: path.join(dir, 'gated.test.yaml') };
  await writeFile(gated.rules, toYaml({ groups }, []));
  const file: PromtoolTestFile = { rule_files: [gated.rules], evaluation_interval: '1m', group_eval_order: groups.map((g) => g.name), tests: sloTestGroups(slo, ALERTS_CONFIG.runbookBaseUrl) };
  await writeFile(gated.tests, stringify(file));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the generated test groups whose name contains `scenario` against (possibly edited) rules. */
async function runScenario(scenario: string, edit: (rules: string) => string = (r) => r, source = { rules: RULES, tests: TESTS }) {
  const rules = await readFile(source.rules, 'utf8');
  const edited = edit(rules);
  const tag = Math.random().toString(36).slice(2);
  const rulesFile = path.join(dir, `rules-${tag}.yaml`);
  await writeFile(rulesFile, edited);
  const tests = parse(await readFile(source.tests, 'utf8')) as PromtoolTestFile;
  const selected = tests.tests.filter((t) => t.name.includes(scenario));
  expect(selected.length, `scenario "${scenario}"`).toBeGreaterThan(0);
  const testFile = path.join(dir, `test-${tag}.yaml`);
  await writeFile(testFile, stringify({ ...tests, rule_files: [rulesFile], tests: selected }));
  return { edited: edited !== rules, result: await promtoolTestRules([testFile]) };
}

describe('promtool on the generated rules', () => {
  it('accepts every generated rule file', async () => {
    const files = ['recsys-reference/availability.rules.yaml', 'recsys-reference/latency.rules.yaml', 'recsys-reference/degraded-serving.rules.yaml', 'recsys-reference/platform.rules.yaml', 'drillbook.rules.yaml'];
    const { ok, output } = await promtoolCheckRules(files, generated);
    expect(output).not.toMatch(/FAILED/);
    expect(ok).toBe(true);
  });

  it('passes the fast-burn scenario on the rules as generated', async () => {
    const { result } = await runScenario('burn after 6h of clean traffic raises the page alert');
    expect(result.output).toContain('SUCCESS');
  });

  it('fails the fast-burn scenario when the 14.4x page threshold is raised to 28.8x', async () => {
    const { edited, result } = await runScenario('burn after 6h of clean traffic raises the page alert', (r) => r.replaceAll('(14.4 * 0.001)', '(28.8 * 0.001)'));
    expect(edited).toBe(true);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/alertname: RecsysAvailabilityBurnRate\b/);
  });

  it('fails the low-traffic scenario of an SLO with the opt-in gate when the gate is dropped', async () => {
    const control = await runScenario('at half the minimum traffic', undefined, gated);
    expect(control.result.ok).toBe(true);
    const { edited, result } = await runScenario('at half the minimum traffic', (r) => r.replace(/\n\s*and\n\s*max\(slo:sli_events:rate\w+\{[^\n]*/g, ''), gated);
    expect(edited).toBe(true);
    expect(result.ok).toBe(false);
  });

  it('pages on a low-traffic burn without the gate (Sloth), and fails that scenario when a gate is added', async () => {
    const control = await runScenario('(no minimum-traffic gate, as Sloth)');
    expect(control.result.ok).toBe(true);
    const { edited, result } = await runScenario('(no minimum-traffic gate, as Sloth)', (r) =>
      r.replaceAll(' > (14.4 * 0.001)) without (sloth_window)\n', ' > (14.4 * 0.001)) without (sloth_window) and on() vector(0) > 1\n').replaceAll(' > (6 * 0.001)) without (sloth_window)\n', ' > (6 * 0.001)) without (sloth_window) and on() vector(0) > 1\n'),
    );
    expect(edited).toBe(true);
    expect(result.ok).toBe(false);
  });

  it('fails the no-traffic scenario when the ratio gives no sample instead of NaN', async () => {
    const control = await runScenario('no traffic records a NaN error ratio');
    expect(control.result.ok).toBe(true);
    const { edited, result } = await runScenario('no traffic records a NaN error ratio', (r) => r.replaceAll('[5m])))\n', '[5m])) > 0)\n'));
    expect(edited).toBe(true);
    expect(result.ok).toBe(false);
  });

  it('fails the synthetic-traffic scenario when the SLI stops excluding synthetic traffic', async () => {
    const control = await runScenario('failing synthetic');
    expect(control.result.ok).toBe(true);
    const { edited, result } = await runScenario('failing synthetic', (r) => r.replaceAll(',synthetic!="true"', ''));
    expect(edited).toBe(true);
    expect(result.ok).toBe(false);
  });
});
