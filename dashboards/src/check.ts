/**
 * Runs every expression of the generated dashboards against a Prometheus and reports which ones
 * do not parse and which return nothing. The integration test uses it on a stand-in stack; point
 * it at the Prometheus of the real reference stack to check the dashboards end to end.
 */
import { PrometheusQueryError, type PrometheusClient } from '@drillbook/alerts';
import { dashboardExpressions, substituteVariables, type VariableValues } from './expressions.js';
import type { GeneratedDashboard } from './common/dashboard.js';

export interface ExpressionReport {
  checked: number;
  /** `<dashboard> <where>: <error>` for each expression Prometheus refused. */
  errors: string[];
  /** `<dashboard> <where>: <expr>` for each expression that returned no series. */
  empty: string[];
}

/** Values for the dashboards' variables that select everything of the reference service. */
export const REFERENCE_VALUES: VariableValues = { service: 'recsys-reference', slo: '.*', replica: '.*', runbook: '.*' };

export async function checkDashboardExpressions(
  client: PrometheusClient,
  dashboards: readonly GeneratedDashboard[],
  values: VariableValues = REFERENCE_VALUES,
): Promise<ExpressionReport> {
  const report: ExpressionReport = { checked: 0, errors: [], empty: [] };
  for (const e of dashboards.flatMap(dashboardExpressions)) {
    report.checked++;
    try {
      const result = await client.query(substituteVariables(e.expr, values));
      if (result.length === 0) report.empty.push(`${e.dashboard} ${e.where}: ${e.expr}`);
    } catch (err) {
      if (!(err instanceof PrometheusQueryError)) throw err;
      report.errors.push(`${e.dashboard} ${e.where}: ${err.errorType}: ${err.message}`);
    }
  }
  return report;
}
