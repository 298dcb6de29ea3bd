import {
  DataSourceApi,
  FieldType,
  createDataFrame,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import type { DrillSummary } from '@drillbook/contracts';
import { isFinished, type DrillbookApi } from '@drillbook/client';
import { describeError } from '../components/describeError';
import { createDrillbookClient, reportHref } from '../drillbookApi';
import { PLUGIN_ID } from '../constants';
import { scorecardToFrames } from '../frames/scorecardToFrames';
import { HISTORY_FRAME, defaultQuery, type DrillbookDataSourceOptions, type DrillbookQuery } from './types';

export interface DrillbookDataSourceDeps {
  api?: DrillbookApi;
  replace?: (value: string, scopedVars?: ScopedVars) => string;
}


/**
 * Frontend-only data source for dashboards: scorecards and drill history as data frames, read from
 * the drill controller through the Drillbook app's plugin routes (so it has no URL or token of its
 * own, and needs the app enabled).
 */
export class DrillbookDataSource extends DataSourceApi<DrillbookQuery, DrillbookDataSourceOptions> {
  private readonly api: DrillbookApi;
  private readonly replace: (value: string, scopedVars?: ScopedVars) => string;

  constructor(instanceSettings: DataSourceInstanceSettings<DrillbookDataSourceOptions>, deps: DrillbookDataSourceDeps = {}) {
    super(instanceSettings);
    this.api = deps.api ?? createDrillbookClient();
    // Grafana sets the template service at start-up; outside it (the harness) values pass through.
    this.replace = deps.replace ?? ((value, scopedVars) => getTemplateSrv()?.replace(value, scopedVars) ?? value);
  }

  getDefaultQuery(): Partial<DrillbookQuery> {
    return defaultQuery;
  }

  filterQuery(query: DrillbookQuery): boolean {
    return !query.hide;
  }

  async query(request: DataQueryRequest<DrillbookQuery>): Promise<DataQueryResponse> {
    const data: DataFrame[] = [];
    for (const target of request.targets.filter((t) => !t.hide)) {
      const v = (s?: string) => (s ? this.replace(s, request.scopedVars).trim() : '');
      const service = v(target.service);
      const runbook = v(target.runbook);
      const refId = target.refId;
      switch (target.kind ?? 'latest-scorecard') {
        case 'latest-scorecard': {
          if (!service) {
            throw new Error(`query ${refId}: service is required for the latest scorecard`);
          }
          const items = await this.api.listScorecards(service, 50);
          const latest = items.find((i) => !runbook || runbook === '.*' || i.drill.runbook === runbook);
          if (latest) {
            data.push(...scorecardToFrames(latest, { refId, reportHref: reportHref(latest.drill) }));
          }
          break;
        }
        case 'drill-scorecard': {
          const drillId = v(target.drillId);
          if (!drillId) {
            throw new Error(`query ${refId}: drillId is required for a drill scorecard`);
          }
          const sc = await this.api.getScorecard(drillId);
          data.push(...scorecardToFrames(sc, { refId, reportHref: reportHref(sc.drill) }));
          break;
        }
        case 'history': {
          const drills = await this.api.listDrills({ service: service || undefined, limit: target.limit ?? 50 });
          const rows = drills
            .filter((d) => !d.dryRun && isFinished(d.state) && (!runbook || runbook === '.*' || d.runbook === runbook))
            .filter((d) => {
              const t = Date.parse(d.endedAt ?? d.createdAt);
              return t >= request.range.from.valueOf() && t <= request.range.to.valueOf();
            })
            .sort((a, b) => Date.parse(a.endedAt ?? a.createdAt) - Date.parse(b.endedAt ?? b.createdAt));
          data.push(historyFrame(rows, refId));
          break;
        }
        default:
          throw new Error(`query ${refId}: unknown kind "${String(target.kind)}" (expected latest-scorecard, drill-scorecard or history)`);
      }
    }
    return { data };
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      const me = await this.api.me();
      return {
        status: 'success',
        message: `Connected to the drill controller through the ${PLUGIN_ID} routes, as ${me.subject} (role ${me.role}).`,
      };
    } catch (err) {
      const { title, detail } = describeError(err, 'reach the drill controller');
      return { status: 'error', message: `${title}: ${detail}` };
    }
  }
}

/** One row per finished drill, oldest first: a time series of scores, recovery and budget burned. */
export function historyFrame(drills: DrillSummary[], refId: string): DataFrame {
  return createDataFrame({
    name: HISTORY_FRAME,
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: drills.map((d) => Date.parse(d.endedAt ?? d.createdAt)) },
      { name: 'score', type: FieldType.number, values: drills.map((d) => d.score), config: { min: 0, max: 100 } },
      { name: 'timeToRecoverS', type: FieldType.number, values: drills.map((d) => d.timeToRecoverS), config: { unit: 's' } },
      { name: 'errorBudgetConsumed', type: FieldType.number, values: drills.map((d) => d.errorBudgetConsumed), config: { unit: 'percentunit' } },
      { name: 'ndcgRatio', type: FieldType.number, values: drills.map((d) => d.ndcgRatio), config: { unit: 'percentunit' } },
      { name: 'status', type: FieldType.string, values: drills.map((d) => d.state) },
      { name: 'runbook', type: FieldType.string, values: drills.map((d) => d.runbook) },
      { name: 'service', type: FieldType.string, values: drills.map((d) => d.service) },
      { name: 'drillId', type: FieldType.string, values: drills.map((d) => d.id) },
    ],
  });
}
