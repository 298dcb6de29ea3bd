/**
 * @drillbook/dashboards: Grafana dashboards as code (grafana-foundation-sdk) for the SLO overview,
 * accelerators and drills, generated to dashboards/generated/*.json.
 */
export { DASHBOARDS, generateDashboards } from './generate.js';
export type { DashboardFile } from './generate.js';
export { dashboardExpressions, substituteVariables, DEFAULT_INTERVALS } from './expressions.js';
export type { DashboardExpression, VariableValues } from './expressions.js';
export { SLO_OVERVIEW_UID } from './sloOverview.js';
export { ACCELERATORS_UID } from './accelerators.js';
export { DRILL_UID } from './drill.js';
export { DRILL_ANNOTATION_TAG } from './common/annotations.js';
export { DATASOURCE_VARIABLE } from './common/datasource.js';
export type { GeneratedDashboard } from './common/dashboard.js';
export { checkDashboardExpressions, REFERENCE_VALUES } from './check.js';
export type { ExpressionReport } from './check.js';
export { MODEL_STORE_UID } from './modelStore.js';
