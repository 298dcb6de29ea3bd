import type { DataQuery, DataSourceJsonData } from '@grafana/data';

export type DrillbookQueryKind = 'latest-scorecard' | 'drill-scorecard' | 'history';

/** A query of the Drillbook data source. String fields accept dashboard variables. */
export interface DrillbookQuery extends DataQuery {
  kind: DrillbookQueryKind;
  /** Catalogue service id (latest scorecard, history). */
  service?: string;
  /** Runbook name; empty means any (latest scorecard, history). */
  runbook?: string;
  /** Drill id (drill scorecard). */
  drillId?: string;
  /** Most drills in a history query. */
  limit?: number;
}

export const defaultQuery: Partial<DrillbookQuery> = { kind: 'latest-scorecard', service: '$service', runbook: '', limit: 50 };

/** The data source has no settings of its own: it calls the controller through the app's routes. */
export type DrillbookDataSourceOptions = DataSourceJsonData;

export const HISTORY_FRAME = 'drillbook-history';
