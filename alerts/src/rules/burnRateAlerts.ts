/**
 * Multiwindow, multi-burn-rate alerts (Google SRE Workbook, chapter 5), as Sloth writes them: one
 * alert name per SLO and two rules, told apart by `sloth_severity`:
 * page = 14.4x over 1h and 5m OR 6x over 6h and 30m; ticket = 3x over 1d and 2h OR 1x over 3d and 6h
 * (the table is `BURN_RATE_ALERTS` in @drillbook/contracts). Each window is `max(…) without
 * (sloth_window)`, so the alert keeps every label of the SLO's recordings. Annotations: Sloth's
 * `title` and `summary` templates, plus Drillbook's `description` and an absolute `runbook_url`.
 * An SLO that opts into the minimum-traffic gate also needs its short window to carry that many
 * events per second.
 */
import { BURN_RATE_ALERTS, SLO_RECORDING } from '@drillbook/contracts';
import { formatNumber, type SloModel } from '../spec/model.js';
import { runbookUrl } from './runbook.js';
import { sliEventsRate } from './sliRecordings.js';
import { SLOTH_LABEL, sloFilter } from './sloLabels.js';
import type { AlertingRule, RuleGroup, Severity } from './types.js';

export type BurnRateWindowPair = (typeof BURN_RATE_ALERTS)[number];

export const SEVERITIES: readonly Severity[] = ['page', 'ticket'];

/** The SLO's alert name, the same for both severities (`sloth_severity` tells them apart). */
export function alertName(slo: SloModel): string {
  return `${slo.alertPrefix}BurnRate`;
}

export function windowPairs(severity: Severity): BurnRateWindowPair[] {
  return BURN_RATE_ALERTS.filter((a) => a.severity === severity);
}

function percent(ratio: number): string {
  return `${formatNumber(ratio * 100)}%`;
}

function exhaustion(periodDays: number, burnRate: number): string {
  const days = periodDays / burnRate;
  if (days < 1) return `${formatNumber(Number((days * 24).toPrecision(2)))} hours`;
  return `${formatNumber(Number(days.toPrecision(2)))} days`;
}

const WITHOUT = `without (${SLOTH_LABEL.window})`;

function alertExpr(slo: SloModel, severity: Severity): string {
  const f = sloFilter(slo);
  const budget = formatNumber(slo.errorBudget);
  const legs = windowPairs(severity).map((pair) => {
    const factor = formatNumber(pair.burnRate);
    const terms = [
      `    max(${SLO_RECORDING.errorRatio(pair.shortWindow)}${f} > (${factor} * ${budget})) ${WITHOUT}`,
      `    max(${SLO_RECORDING.errorRatio(pair.longWindow)}${f} > (${factor} * ${budget})) ${WITHOUT}`,
    ];
    if (slo.minEventsPerSecond !== null) {
      terms.push(`    max(${sliEventsRate(pair.shortWindow)}${f} >= ${formatNumber(slo.minEventsPerSecond)}) ${WITHOUT}`);
    }
    return terms.join('\n    and\n');
  });
  return `(\n${legs.join('\n)\nor\n(\n')}\n)\n`;
}

/** Sloth's default `title` and `summary` (Prometheus renders the `$labels` at firing time). */
export function slothTitle(severity: Severity): string {
  return `(${severity}) {{$labels.${SLOTH_LABEL.service}}} {{$labels.${SLOTH_LABEL.slo}}} SLO error budget burn rate is too fast.`;
}
export const SLOTH_SUMMARY = `{{$labels.${SLOTH_LABEL.service}}} {{$labels.${SLOTH_LABEL.slo}}} SLO error budget burn rate is over expected.`;

function annotations(slo: SloModel, severity: Severity, runbookBase: string): Record<string, string> {
  const pairs = windowPairs(severity);
  const conditions = pairs.map((p) => `${formatNumber(p.burnRate)}x over ${p.longWindow} and ${p.shortWindow}`).join(', or ');
  const fastest = Math.max(...pairs.map((p) => p.burnRate));
  const slowest = Math.min(...pairs.map((p) => p.burnRate));
  const gate = slo.minEventsPerSecond === null ? '' : `, with at least ${formatNumber(slo.minEventsPerSecond)} events/s`;
  return {
    title: slothTitle(severity),
    summary: SLOTH_SUMMARY,
    description:
      `The ${slo.displayName} SLO of ${slo.service} (objective ${percent(slo.objective)} over ${slo.period}, ` +
      `error budget ${percent(slo.errorBudget)}) is burning its budget at ${conditions}${gate}. ` +
      `At ${formatNumber(fastest)}x the whole ${slo.period} budget is gone in ${exhaustion(slo.periodDays, fastest)}` +
      (slowest !== fastest ? `, at ${formatNumber(slowest)}x in ${exhaustion(slo.periodDays, slowest)}.` : '.'),
    runbook_url: runbookUrl(alertName(slo), runbookBase),
  };
}

export function burnRateAlert(slo: SloModel, severity: Severity, runbookBase: string): AlertingRule {
  return {
    alert: alertName(slo),
    expr: alertExpr(slo, severity),
    labels: { [SLOTH_LABEL.severity]: severity },
    annotations: annotations(slo, severity, runbookBase),
  };
}

export function burnRateAlertGroup(slo: SloModel, runbookBase: string): RuleGroup {
  return { name: `sloth-slo-alerts-${slo.slothId}`, rules: SEVERITIES.map((s) => burnRateAlert(slo, s, runbookBase)) };
}
