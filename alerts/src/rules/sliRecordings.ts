/**
 * SLI recording rules, as Sloth writes them: `slo:sli_error:ratio_rate<window>` for every alert
 * window plus the SLO period (Sloth's optimized average of the 5m ratio). No traffic gives NaN
 * (0/0), as in Sloth, not a missing sample. Drillbook's `slo:sli_events:rate<window>` (events/s
 * of the total over the alerts' short windows, read by dashboards and by the opt-in
 * minimum-traffic gate) live in a group of their own, so Sloth's groups hold exactly Sloth's rules.
 */
import { SLO_RECORDING } from '@drillbook/contracts';
import { renderRate } from '../promql/selector.js';
import type { SloModel } from '../spec/model.js';
import { SLOTH_LABEL, ruleLabels, sloFilter } from './sloLabels.js';
import type { RecordingRule, RuleGroup } from './types.js';
import { alertWindows, guardWindows } from './windows.js';

/** Events per second of an SLI over a window (Drillbook's addition to Sloth's names). */
export const sliEventsRate = (window: string): string => `slo:sli_events:rate${window}`;

/**
 * The error ratio over one window: Sloth's OpenSLO form `1 - (good / total)` (or `bad / total`).
 * One deliberate difference: the numerator falls back to 0 (`or vector(0)`) when no series of its
 * kind exists yet, so a service that has never succeeded still records 1 instead of nothing. With no
 * traffic at all the total is 0 and the ratio NaN, as in Sloth.
 */
export function errorRatioExpr(slo: SloModel, window: string): string {
  const events = `(${renderRate(slo.events, window)} or vector(0))`;
  const total = `(${renderRate(slo.total, window)})`;
  if (slo.form === 'bad') return `${events}\n/\n${total}\n`;
  return `1 - (\n  ${events}\n  /\n  ${total}\n)\n`;
}

/**
 * The period ratio averages the shortest window's ratio over the period, as Sloth's optimized rule
 * does: far cheaper than a 30-day rate, at the cost of weighting every 5m evaluation equally.
 */
function periodRatioExpr(slo: SloModel, shortest: string): string {
  const series = `${SLO_RECORDING.errorRatio(shortest)}${sloFilter(slo)}[${slo.period}]`;
  return `sum_over_time(${series})\n/ ignoring (${SLOTH_LABEL.window})\ncount_over_time(${series})\n`;
}

export function sliRecordingGroup(slo: SloModel): RuleGroup {
  const windows = alertWindows();
  const rules: RecordingRule[] = windows.map((window) => ({
    record: SLO_RECORDING.errorRatio(window),
    expr: errorRatioExpr(slo, window),
    labels: ruleLabels(slo, { [SLOTH_LABEL.window]: window }),
  }));
  rules.push({
    record: SLO_RECORDING.errorRatio(slo.period),
    expr: periodRatioExpr(slo, windows[0]),
    labels: ruleLabels(slo, { [SLOTH_LABEL.window]: slo.period }),
  });
  return { name: `sloth-slo-sli-recordings-${slo.slothId}`, rules };
}

/** Drillbook's group: events/s of the SLI's total over each alert short window. */
export function sliEventsGroup(slo: SloModel): RuleGroup {
  return {
    name: `drillbook-slo-sli-events-${slo.slothId}`,
    rules: guardWindows().map((window) => ({
      record: sliEventsRate(window),
      expr: renderRate(slo.total, window),
      labels: ruleLabels(slo, { [SLOTH_LABEL.window]: window }),
    })),
  };
}
