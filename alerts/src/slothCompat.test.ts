/**
 * Structure of the generated SLO rules against Sloth's own output. The expectations below restate
 * Sloth's integration-test golden files (slok/sloth, test/integration/prometheus/testdata:
 * out-base.yaml.tpl for the alert and recording shapes of v0.11+, out-openslo.yaml.tpl for what
 * Sloth writes from an OpenSLO spec) with this repository's ids filled in: group names and order,
 * rule names and order, label sets, `sloth_id`/`sloth_slo` with the objective index Sloth appends to
 * OpenSLO SLOs, `sloth_slo_info` values, the alert expression skeleton (`max(…) without
 * (sloth_window)` legs joined by `and`/`or`), one alert name with `sloth_severity` page/ticket,
 * Sloth's title and summary. Numbers are compared by value (Sloth prints 0.0009999999999999432 for
 * a 99.9% budget, Drillbook 0.001).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GENERATED_DIR, SLOS_DIR } from './generatedFiles.js';
import { sloRulesFile } from './generate.js';
import { isAlertingRule, type AlertingRule, type RecordingRule, type RuleFile } from './rules/types.js';
import { loadSloSpecs } from './spec/loadSpecs.js';
import type { SloModel } from './spec/model.js';

const SLOTH_SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];
const SLOTH_META_RECORDS = [
  'slo:objective:ratio',
  'slo:error_budget:ratio',
  'slo:time_period:days',
  'slo:current_burn_rate:ratio',
  'slo:period_burn_rate:ratio',
  'slo:period_error_budget_remaining:ratio',
  'sloth_slo_info',
];

const filter = (slo: SloModel) => `{sloth_id="${slo.slothId}", sloth_service="${slo.service}", sloth_slo="${slo.slothSlo}"}`;

/** Sloth's multiwindow multi-burn-rate expression with its numbers replaced by N. */
function slothAlertSkeleton(slo: SloModel, pairs: Array<[string, string]>): string {
  const f = filter(slo);
  const leg = ([short, long]: [string, string]) =>
    `    max(slo:sli_error:ratio_rate${short}${f} > (N * N)) without (sloth_window)\n    and\n    max(slo:sli_error:ratio_rate${long}${f} > (N * N)) without (sloth_window)`;
  return `(\n${pairs.map(leg).join('\n)\nor\n(\n')}\n)\n`;
}

const numbersOut = (expr: string) => expr.replace(/\(([0-9.e-]+) \* ([0-9.e-]+)\)/g, '(N * N)');
const factors = (expr: string) => [...expr.matchAll(/\(([0-9.e-]+) \* ([0-9.e-]+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);

let slos: SloModel[];
async function rulesOf(slo: SloModel): Promise<RuleFile> {
  return parse(await readFile(path.join(GENERATED_DIR, sloRulesFile(slo)), 'utf8')) as RuleFile;
}

describe('generated SLO rules have the structure Sloth generates', async () => {
  slos = await loadSloSpecs(SLOS_DIR);

  it('covers the three reference SLOs, with sloth_id <service>-<name>-0 and sloth_slo <name>-0 as Sloth names OpenSLO SLOs', () => {
    expect(slos.map((s) => [s.slothId, s.slothSlo])).toEqual([
      ['recsys-reference-availability-0', 'availability-0'],
      ['recsys-reference-degraded-serving-0', 'degraded-serving-0'],
      ['recsys-reference-latency-0', 'latency-0'],
    ]);
  });

  for (const name of ['availability', 'degraded-serving', 'latency']) {
    describe(`the ${name} SLO`, () => {
      const slo = () => slos.find((s) => s.name === name)!;

      it("has Sloth's three groups, in Sloth's order, before Drillbook's own SLI events group", async () => {
        const s = slo();
        expect((await rulesOf(s)).groups.map((g) => g.name)).toEqual([
          `sloth-slo-sli-recordings-${s.slothId}`,
          `sloth-slo-meta-recordings-${s.slothId}`,
          `sloth-slo-alerts-${s.slothId}`,
          `drillbook-slo-sli-events-${s.slothId}`,
        ]);
      });

      it("records Sloth's SLI error ratios with Sloth's labels, and the period ratio with Sloth's optimized expression", async () => {
        const s = slo();
        const rules = (await rulesOf(s)).groups[0].rules as RecordingRule[];
        expect(rules.map((r) => r.record)).toEqual([...SLOTH_SLI_WINDOWS, '30d'].map((w) => `slo:sli_error:ratio_rate${w}`));
        for (const r of rules) {
          const window = r.record.replace('slo:sli_error:ratio_rate', '');
          expect(r.labels).toEqual({ ...s.labels, sloth_id: s.slothId, sloth_service: s.service, sloth_slo: s.slothSlo, sloth_window: window });
        }
        const f = filter(s);
        expect(rules.at(-1)!.expr).toBe(
          `sum_over_time(slo:sli_error:ratio_rate5m${f}[30d])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m${f}[30d])\n`,
        );
        // NaN with no traffic, as Sloth: the total is divided as it is, not filtered with "> 0".
        for (const r of rules.slice(0, -1)) expect(r.expr).not.toMatch(/>\s*0\)/);
      });

      it("records Sloth's metadata with Sloth's burn-rate expressions and the info values Sloth writes for OpenSLO input", async () => {
        const s = slo();
        const rules = (await rulesOf(s)).groups[1].rules as RecordingRule[];
        expect(rules.map((r) => r.record)).toEqual(SLOTH_META_RECORDS);
        const f = filter(s);
        const id = { ...s.labels, sloth_id: s.slothId, sloth_service: s.service, sloth_slo: s.slothSlo };
        for (const r of rules.slice(0, -1)) expect(r.labels, r.record).toEqual(id);
        expect(Number(/^vector\((.+)\)$/.exec(rules[0].expr)![1])).toBeCloseTo(s.objective, 12);
        expect(rules[2].expr).toBe('vector(30)');
        expect(rules[3].expr).toBe(`slo:sli_error:ratio_rate5m${f}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${f}\n`);
        expect(rules[4].expr).toBe(`slo:sli_error:ratio_rate30d${f}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${f}\n`);
        expect(rules[5].expr).toBe(`1 - slo:period_burn_rate:ratio${f}`);
        expect(rules[6]).toEqual({
          record: 'sloth_slo_info',
          expr: 'vector(1)',
          labels: {
            ...id,
            sloth_mode: 'cli-gen-openslo',
            sloth_objective: String(Number((s.objective * 100).toPrecision(12))),
            sloth_spec: 'openslo/v1alpha',
            sloth_version: 'v0.12.0',
          },
        });
      });

      it("alerts as Sloth: one alert name, a page and a ticket rule told apart by sloth_severity, Sloth's expression, title and summary", async () => {
        const s = slo();
        const rules = (await rulesOf(s)).groups[2].rules.filter(isAlertingRule) as AlertingRule[];
        expect(rules.map((r) => [r.alert, r.labels])).toEqual([
          [`${s.alertPrefix}BurnRate`, { sloth_severity: 'page' }],
          [`${s.alertPrefix}BurnRate`, { sloth_severity: 'ticket' }],
        ]);
        const [page, ticket] = rules;
        expect(numbersOut(page.expr)).toBe(slothAlertSkeleton(s, [['5m', '1h'], ['30m', '6h']]));
        expect(numbersOut(ticket.expr)).toBe(slothAlertSkeleton(s, [['2h', '1d'], ['6h', '3d']]));
        for (const [rule, burns] of [[page, [14.4, 14.4, 6, 6]], [ticket, [3, 3, 1, 1]]] as const) {
          expect(factors(rule.expr).map(([b]) => b)).toEqual(burns);
          for (const [, budget] of factors(rule.expr)) expect(budget).toBeCloseTo(1 - s.objective, 12);
        }
        for (const r of rules) {
          const sev = r.labels!.sloth_severity;
          expect(r.annotations?.title).toBe(`(${sev}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`);
          expect(r.annotations?.summary).toBe('{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.');
          expect(r.for).toBeUndefined();
        }
      });
    });
  }
});
