/**
 * Multiwindow, multi-burn-rate alerts (Google SRE Workbook, chapter 5), one alert per severity:
 * page = 14.4x over 1h and 5m OR 6x over 6h and 30m; ticket = 3x over 1d and 2h OR 1x over 3d and 6h
 * (the table is `BURN_RATE_ALERTS` in @drillbook/contracts). Each window pair also needs the short
 * window to carry at least the SLO's minimum events per second, so a handful of requests at night
 * cannot page anyone.
 */
import { BURN_RATE_ALERTS, SLO_RECORDING } from '@drillbook/contracts';
import { formatNumber, type SloModel } from '../spec/model.js';
import { runbookUrl } from './runbook.js';
import { sliEventsRate } from './sliRecordings.js';
import { SLOTH_LABEL, groupingLabels, sloFilter } from './sloLabels.js';
import type { AlertingRule, RuleGroup, Severity } from './types.js';

export type BurnRateWindowPair = (typeof BURN_RATE_ALERTS)[number];

export const SEVERITIES: readonly Severity[] = ['page', 'ticket'];

export function alertName(slo: SloModel, severity: Severity): string {
  return `${slo.alertPrefix}BurnRate${severity === 'page' ? 'Page' : 'Ticket'}`;
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

function alertExpr(slo: SloModel, severity: Severity): string {
  const f = sloFilter(slo);
  const by = `by (${groupingLabels(slo).join(', ')})`;
  const budget = formatNumber(slo.errorBudget);
  const legs = windowPairs(severity).map((pair) => {
    const factor = formatNumber(pair.burnRate);
    return [
      `    max(${SLO_RECORDING.errorRatio(pair.shortWindow)}${f} > (${factor} * ${budget})) ${by}`,
      `    max(${SLO_RECORDING.errorRatio(pair.longWindow)}${f} > (${factor} * ${budget})) ${by}`,
      `    max(${sliEventsRate(pair.shortWindow)}${f} >= ${formatNumber(slo.minEventsPerSecond)}) ${by}`,
    ].join('\n    and\n');
  });
  return `(\n${legs.join('\n)\nor\n(\n')}\n)\n`;
}

function annotations(slo: SloModel, severity: Severity, name: string, runbookBase: string): Record<string, string> {
  const pairs = windowPairs(severity);
  const conditions = pairs.map((p) => `${formatNumber(p.burnRate)}x over ${p.longWindow} and ${p.shortWindow}`).join(', or ');
  const fastest = Math.max(...pairs.map((p) => p.burnRate));
  const slowest = Math.min(...pairs.map((p) => p.burnRate));
  return {
    summary: `${slo.service} ${slo.displayName} SLO is burning its error budget too fast (${severity}).`,
    description:
      `The ${slo.displayName} SLO of ${slo.service} (objective ${percent(slo.objective)} over ${slo.period}, ` +
      `error budget ${percent(slo.errorBudget)}) is burning its budget at ${conditions}, ` +
      `with at least ${formatNumber(slo.minEventsPerSecond)} events/s. ` +
      `At ${formatNumber(fastest)}x the whole ${slo.period} budget is gone in ${exhaustion(slo.periodDays, fastest)}` +
      (slowest !== fastest ? `, at ${formatNumber(slowest)}x in ${exhaustion(slo.periodDays, slowest)}.` : '.'),
    runbook_url: runbookUrl(name, runbookBase),
  };
}

export function burnRateAlert(slo: SloModel, severity: Severity, runbookBase: string): AlertingRule {
  const name = alertName(slo, severity);
  return {
    alert: name,
    expr: alertExpr(slo, severity),
    labels: { severity, [SLOTH_LABEL.severity]: severity },
    annotations: annotations(slo, severity, name, runbookBase),
  };
}

export function burnRateAlertGroup(slo: SloModel, runbookBase: string): RuleGroup {
  return { name: `sloth-slo-alerts-${slo.id}`, rules: SEVERITIES.map((s) => burnRateAlert(slo, s, runbookBase)) };
}
