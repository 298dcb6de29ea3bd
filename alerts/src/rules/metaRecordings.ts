/**
 * Sloth's metadata recording rules: objective, error budget, period, current and period burn
 * rates, the budget remaining over the period and the `sloth_slo_info` series dashboards list SLOs by.
 */
import { SLO_RECORDING } from '@drillbook/contracts';
import { alertWindows } from './windows.js';
import { formatNumber, type SloModel } from '../spec/model.js';
import { SLOTH_LABEL, ruleLabels, sloFilter } from './sloLabels.js';
import type { RuleGroup } from './types.js';

export const SLO_INFO = 'sloth_slo_info';
export const SLO_TIME_PERIOD_DAYS = 'slo:time_period:days';

function burnRateExpr(slo: SloModel, window: string): string {
  const f = sloFilter(slo);
  return (
    `${SLO_RECORDING.errorRatio(window)}${f}\n` +
    `/ on(${SLOTH_LABEL.id}, ${SLOTH_LABEL.slo}, ${SLOTH_LABEL.service}) group_left\n` +
    `${SLO_RECORDING.errorBudget}${f}\n`
  );
}

/**
 * The `sloth_slo_info` values Sloth writes for an SLO read from OpenSLO (`sloth generate` on an
 * OpenSLO spec): mode `cli-gen-openslo`, spec `openslo/v1alpha` (the OpenSLO version Sloth reads;
 * Drillbook's specs are openslo/v1 with the same SLO), and the Sloth release whose output these
 * rules follow (v0.12.0: `max … without (sloth_window)` alerts, labelled period recording).
 */
export const SLOTH_INFO = { mode: 'cli-gen-openslo', spec: 'openslo/v1alpha', version: 'v0.12.0' } as const;

export function metaRecordingGroup(slo: SloModel): RuleGroup {
  const labels = ruleLabels(slo);
  return {
    name: `sloth-slo-meta-recordings-${slo.slothId}`,
    rules: [
      { record: SLO_RECORDING.objective, expr: `vector(${formatNumber(slo.objective)})`, labels },
      { record: SLO_RECORDING.errorBudget, expr: `vector(${formatNumber(slo.errorBudget)})`, labels },
      { record: SLO_TIME_PERIOD_DAYS, expr: `vector(${slo.periodDays})`, labels },
      { record: SLO_RECORDING.currentBurnRate, expr: burnRateExpr(slo, alertWindows()[0]), labels },
      { record: SLO_RECORDING.periodBurnRate, expr: burnRateExpr(slo, slo.period), labels },
      { record: SLO_RECORDING.periodBudgetRemaining, expr: `1 - ${SLO_RECORDING.periodBurnRate}${sloFilter(slo)}`, labels },
      {
        record: SLO_INFO,
        expr: 'vector(1)',
        labels: {
          ...labels,
          sloth_mode: SLOTH_INFO.mode,
          sloth_objective: formatNumber(slo.objective * 100),
          sloth_spec: SLOTH_INFO.spec,
          sloth_version: SLOTH_INFO.version,
        },
      },
    ],
  };
}
