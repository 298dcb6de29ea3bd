/**
 * SLO specs: OpenSLO v1 `kind: SLO` documents (the subset Drillbook reads). One spec per SLO,
 * the single source for recording rules, burn-rate alerts, dashboards and the catalogue.
 */

export interface OpenSloMetricSource {
  metricSource: { type: 'Prometheus'; spec: { query: string } };
}

export interface OpenSloSlo {
  apiVersion: 'openslo/v1';
  kind: 'SLO';
  metadata: { name: string; displayName?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    service: string;
    description?: string;
    indicator: {
      metadata: { name: string; displayName?: string };
      spec: {
        /** Ratio SLIs: `good` or `bad` over `total`, each a PromQL selector/rate expression over `[{{.window}}]`. */
        ratioMetric: {
          counter: true;
          good?: OpenSloMetricSource;
          bad?: OpenSloMetricSource;
          total: OpenSloMetricSource;
        };
      };
    };
    timeWindow: Array<{ duration: string; isRolling: boolean }>;
    budgetingMethod: 'Occurrences';
    objectives: Array<{ displayName?: string; target: number; op?: 'lte' | 'lt'; value?: number }>;
  };
}

/** Burn-rate alerting thresholds of the Google SRE Workbook (multiwindow, multi-burn-rate). */
export const BURN_RATE_ALERTS = [
  { severity: 'page', burnRate: 14.4, longWindow: '1h', shortWindow: '5m' },
  { severity: 'page', burnRate: 6, longWindow: '6h', shortWindow: '30m' },
  { severity: 'ticket', burnRate: 3, longWindow: '1d', shortWindow: '2h' },
  { severity: 'ticket', burnRate: 1, longWindow: '3d', shortWindow: '6h' },
] as const;

/** Sloth-compatible recording rule names. */
export const SLO_RECORDING = {
  errorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  periodBudgetRemaining: 'slo:period_error_budget_remaining:ratio',
} as const;

export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'] as const;
