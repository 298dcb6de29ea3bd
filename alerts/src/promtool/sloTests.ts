/**
 * Behaviour tests for one SLO's burn-rate alerts: synthetic traffic at chosen burn rates, and the
 * severity that must (or must not) fire at chosen minutes. Every expectation comes from
 * `burnRateModel` and is checked there first, so the test names say what the rules promise and
 * promtool proves the generated rules keep it.
 */
import { BURN_RATE_ALERTS } from '@drillbook/contracts';
import { GenerationError } from '../errors.js';
import { alertName, burnRateAlert, SEVERITIES, windowPairs } from '../rules/burnRateAlerts.js';
import { alertSeriesLabels } from '../rules/sloLabels.js';
import type { Severity } from '../rules/types.js';
import { durationMinutes, formatMinutes } from '../rules/windows.js';
import { formatNumber, type SloModel } from '../spec/model.js';
import { alertState, describeBurn, detection, Traffic, type TrafficPhase } from './burnRateModel.js';
import { planSliSeries, planSyntheticNoise, renderSeries, type PlannedSeries } from './sliSeries.js';
import { counterValues, minutes, type AlertRuleTest, type TestGroup } from './testFile.js';
import { SLO_RECORDING } from '@drillbook/contracts';
import { ruleLabels, sloFilter } from '../rules/sloLabels.js';

/** Per severity: firing, quiet, or null when the model cannot say clearly (not asserted). */
type Expect = Record<Severity, boolean | null>;

interface Scenario {
  name: string;
  phases: TrafficPhase[];
  /** Synthetic drill traffic per minute (all bad), when the scenario injects it. */
  noisePerMinute?: number;
  checks: Array<{ at: number; expect: Expect }>;
}

const QUIET: Expect = { page: false, ticket: false };

function burns(severity: Severity): number[] {
  return windowPairs(severity).map((p) => p.burnRate);
}

/** Plain traffic rate: enough that even a 6h window half-filled stays far above the guard. */
function baseRate(slo: SloModel): number {
  return Math.max(600, Math.ceil((slo.minEventsPerSecond ?? 0) * 60 * 100));
}

function steady(slo: SloModel, burn: number, expect: Expect, label: string): Scenario {
  return {
    name: `a steady ${describeBurn(burn)} burn ${label}`,
    phases: [{ minutes: 120, eventsPerMinute: baseRate(slo), errorRatio: burn * slo.errorBudget }],
    checks: [
      { at: 30, expect },
      { at: 120, expect },
    ],
  };
}

/** Clean traffic for `clean` minutes, then a burn: checks just before and just after the model's detection. */
function stepBurn(slo: SloModel, severity: Severity, burn: number, clean: number, describe: string): Scenario {
  const rate = baseRate(slo);
  const errorRatio = Math.min(1, burn * slo.errorBudget);
  const horizon = clean + 2 * durationMinutes(windowPairs(severity).reduce((a, b) => (durationMinutes(a.longWindow) > durationMinutes(b.longWindow) ? a : b)).longWindow);
  const traffic = new Traffic([
    { minutes: clean, eventsPerMinute: rate, errorRatio: 0 },
    { minutes: horizon - clean, eventsPerMinute: rate, errorRatio },
  ]);
  const found = detection(slo, traffic, clean, severity);
  if (!found) throw new GenerationError(`SLO ${slo.id}: a ${describeBurn(burn)} burn never clearly raises the ${severity} alert`);
  const other: Severity = severity === 'page' ? 'ticket' : 'page';
  const state = (t: number): Expect => {
    const s = alertState(slo, traffic, t, other);
    return { [severity]: t >= found.firingAt, [other]: s === 'unsure' ? null : s === 'yes' } as Expect;
  };
  const checks = [
    { at: clean, expect: QUIET },
    { at: found.quietAt, expect: state(found.quietAt) },
    { at: found.firingAt, expect: state(found.firingAt) },
  ].filter((c, i, all) => all.findIndex((x) => x.at === c.at) === i);
  const after = found.firingAt - clean;
  const before = found.quietAt - clean;
  return {
    name:
      `${describe} after ${formatMinutes(clean)} of clean traffic raises the ${severity} alert ` +
      `${after} minute${after === 1 ? '' : 's'} in` +
      (before > 0 ? `, and not yet ${before} minutes in` : ''),
    phases: [
      { minutes: clean, eventsPerMinute: rate, errorRatio: 0 },
      { minutes: found.firingAt - clean, eventsPerMinute: rate, errorRatio },
    ],
    checks,
  };
}

export function sloScenarios(slo: SloModel): Scenario[] {
  const page = burns('page');
  const ticket = burns('ticket');
  const lowestTicket = Math.min(...ticket);
  const lowestPage = Math.min(...page);
  const highestPage = Math.max(...page);
  const highestTicket = Math.max(...ticket);
  const longestPageWindow = Math.max(...windowPairs('page').map((p) => durationMinutes(p.longWindow)));
  const maxBurn = 1 / slo.errorBudget;
  const scenarios: Scenario[] = [
    steady(slo, lowestTicket * 0.9, QUIET, 'just under the lowest threshold fires nothing'),
    steady(slo, lowestTicket * 1.1, { page: false, ticket: true }, 'opens a ticket and does not page'),
    steady(slo, lowestPage * 0.9, { page: false, ticket: true }, 'just under the page threshold opens a ticket and does not page'),
    steady(slo, lowestPage * 1.1, { page: true, ticket: true }, 'just over the page threshold pages'),
  ];
  // Fast burn: over the highest page rate, detected through the shortest page windows.
  const fast = Math.min(highestPage * 1.4, maxBurn);
  scenarios.push(stepBurn(slo, 'page', fast, longestPageWindow, `a ${describeBurn(fast)} burn`));
  // Total outage: every event bad, the fastest detection there is (the drill's time to detect).
  scenarios.push(stepBurn(slo, 'page', maxBurn, longestPageWindow, 'a total outage'));
  // Slow burn between the ticket rates: a ticket, hours later, and never a page.
  const slow = Math.min(highestTicket + 1, lowestPage * 0.7, maxBurn);
  const longestTicketShortWindow = Math.max(...windowPairs('ticket').map((p) => durationMinutes(p.shortWindow)));
  scenarios.push(stepBurn(slo, 'ticket', slow, longestTicketShortWindow, `a ${describeBurn(slow)} burn`));
  // The opt-in minimum-traffic gate.
  if (slo.minEventsPerSecond !== null) {
    const guardRate = slo.minEventsPerSecond * 60 * 0.5;
    const guarded = Math.min(highestPage * 2, maxBurn);
    scenarios.push({
      name: `a ${describeBurn(guarded)} burn at half the minimum traffic of ${formatNumber(slo.minEventsPerSecond)} events/s fires nothing`,
      phases: [{ minutes: 120, eventsPerMinute: guardRate, errorRatio: guarded * slo.errorBudget }],
      checks: [
        { at: 30, expect: QUIET },
        { at: 120, expect: QUIET },
      ],
    });
  } else {
    // Without the gate, as in Sloth, a low-traffic service pages on its error ratio alone.
    const low = Math.min(highestPage * 2, maxBurn);
    scenarios.push({
      name: `a ${describeBurn(low)} burn at 0.05 events/s pages (no minimum-traffic gate, as Sloth)`,
      phases: [{ minutes: 120, eventsPerMinute: 3, errorRatio: low * slo.errorBudget }],
      checks: [{ at: 120, expect: { page: true, ticket: true } }],
    });
  }
  if (slo.syntheticTraffic === 'exclude') {
    scenarios.push({
      name: 'failing synthetic (drill and load) traffic at twice the real rate does not burn the budget',
      phases: [{ minutes: 120, eventsPerMinute: baseRate(slo), errorRatio: 0 }],
      noisePerMinute: baseRate(slo) * 2,
      checks: [
        { at: 30, expect: QUIET },
        { at: 120, expect: QUIET },
      ],
    });
  }
  for (const s of scenarios) verify(slo, s);
  return scenarios;
}

/** The model must agree with every stated expectation (noise never reaches the model: it is excluded). */
function verify(slo: SloModel, s: Scenario): void {
  const traffic = new Traffic(s.phases);
  for (const c of s.checks) {
    if (c.at > traffic.end) throw new GenerationError(`SLO ${slo.id}: scenario "${s.name}" checks minute ${c.at} past its traffic`);
    for (const sev of SEVERITIES) {
      if (c.expect[sev] === null) continue;
      const state = alertState(slo, traffic, c.at, sev);
      if (state !== (c.expect[sev] ? 'yes' : 'no')) {
        throw new GenerationError(`SLO ${slo.id}: scenario "${s.name}" expects ${sev} ${c.expect[sev] ? 'firing' : 'quiet'} at ${c.at}m, the model says ${state}`);
      }
    }
  }
}

function perMinute(phases: readonly TrafficPhase[], f: (p: TrafficPhase) => number): number[] {
  return phases.flatMap((p) => Array.from({ length: p.minutes }, () => f(p)));
}

function seriesValues(s: PlannedSeries, scenario: Scenario): string {
  switch (s.counts) {
    case 'good':
      return counterValues(perMinute(scenario.phases, (p) => p.eventsPerMinute * (1 - p.errorRatio)));
    case 'bad':
      return counterValues(perMinute(scenario.phases, (p) => p.eventsPerMinute * p.errorRatio));
    case 'total':
      return counterValues(perMinute(scenario.phases, (p) => p.eventsPerMinute));
    case 'noise':
      return counterValues(perMinute(scenario.phases, () => scenario.noisePerMinute ?? 0));
  }
}

export function sloTestGroups(slo: SloModel, runbookBase: string): TestGroup[] {
  const plan = planSliSeries(slo);
  const noise = planSyntheticNoise(slo, plan) ?? [];
  // Both severities share the alert name, so promtool compares every firing rule of that name at
  // once: a check is only written where the model is sure of both severities.
  const expected = (sev: Severity) => {
    const rule = burnRateAlert(slo, sev, runbookBase);
    const labels = { ...alertSeriesLabels(slo), ...rule.labels };
    // promtool compares annotations as Prometheus renders them: Sloth's `{{$labels.x}}` filled in.
    const render = (text: string) => text.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, k: string) => labels[k as keyof typeof labels] ?? '');
    const annotations = Object.fromEntries(Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, render(v)]));
    return { exp_labels: labels, exp_annotations: annotations };
  };
  const groups = sloScenarios(slo).map((scenario): TestGroup => {
    const series = scenario.noisePerMinute ? [...plan, ...noise] : plan;
    const tests: AlertRuleTest[] = scenario.checks
      .filter((c) => SEVERITIES.every((sev) => c.expect[sev] !== null))
      .map((c) => ({
        eval_time: minutes(c.at),
        alertname: alertName(slo),
        exp_alerts: SEVERITIES.filter((sev) => c.expect[sev]).map(expected),
      }));
    if (tests.length === 0) throw new GenerationError(`SLO ${slo.id}: scenario "${scenario.name}" has no check the model is sure of for both severities`);
    return {
      name: `${slo.id}: ${scenario.name}`,
      interval: '1m',
      input_series: series.map((s) => ({ series: renderSeries(s), values: seriesValues(s, scenario) })),
      alert_rule_test: tests,
    };
  });
  return [...groups, noTrafficGroup(slo, plan)];
}

/**
 * No traffic at all: the error ratio is NaN (0/0), as Sloth records it, not a missing sample, and
 * nothing fires. promtool cannot compare NaN samples, so the test asks `x != bool x`, which is 1
 * exactly when x is NaN.
 */
function noTrafficGroup(slo: SloModel, plan: PlannedSeries[]): TestGroup {
  const scenario: Scenario = { name: 'no traffic', phases: [{ minutes: 30, eventsPerMinute: 0, errorRatio: 0 }], checks: [] };
  const ratio = `${SLO_RECORDING.errorRatio('5m')}${sloFilter(slo)}`;
  const labels = ruleLabels(slo, { sloth_window: '5m' });
  const rendered = `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
  return {
    name: `${slo.id}: no traffic records a NaN error ratio, as Sloth, and fires nothing`,
    interval: '1m',
    input_series: plan.map((s) => ({ series: renderSeries(s), values: seriesValues(s, scenario) })),
    alert_rule_test: [{ eval_time: minutes(20), alertname: alertName(slo), exp_alerts: [] }],
    promql_expr_test: [{ expr: `${ratio} != bool ${ratio}`, eval_time: minutes(20), exp_samples: [{ labels: rendered, value: 1 }] }],
  };
}

/** The burn-rate table the tests were derived from, for the file header. */
export function burnRateTableComment(): string {
  return BURN_RATE_ALERTS.map((a) => `${a.severity} ${formatNumber(a.burnRate)}x over ${a.longWindow}/${a.shortWindow}`).join('; ');
}
