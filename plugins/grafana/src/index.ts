// Public surface of the Grafana app plugin package (what other code and the harness may import).
export { scorecardToFrames, SCORECARD_FRAME, OBJECTIVES_FRAME, PHASES_FRAME } from './frames/scorecardToFrames';
export { readScorecardFrames } from './frames/readScorecardFrames';
export { readDrillMetrics, DRILL_METRICS } from './frames/drillMetrics';
export { readSloBudget, sloBudgetQuery, type SloBudgetRow, type BurnWindowReading } from './frames/sloBudget';
export { readSamples, type Sample } from './frames/promSamples';
export type { ScorecardModel, ObjectiveRow, ReadResult } from './frames/model';
export { DrillbookClient, DrillbookApiError, type DrillbookApi, type DrillbookClientOptions, type ApiErrorKind } from '@drillbook/client';
export { DrillbookApiContext, useDrillbookApi, createDrillbookClient, reportHref } from './drillbookApi';
export { describeError } from './components/describeError';
export { PLUGIN_ID, PLUGIN_BASE_URL, PROXY_BASE, ROUTES, TEST_IDS, prefixRoute } from './constants';
export { AppRoutes } from './pages/App';
export { DrillbookDataSource, historyFrame } from './datasource/datasource';
export type { DrillbookQuery, DrillbookQueryKind } from './datasource/types';
