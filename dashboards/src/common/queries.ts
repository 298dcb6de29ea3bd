/** Prometheus targets: one helper so every query carries the data source and a stable refId. */
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PROMETHEUS } from './datasource.js';

export interface Query {
  expr: string;
  legend?: string;
  /** Instant query (stat panels); default range. */
  instant?: boolean;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function target(q: Query, index: number): DataqueryBuilder {
  const b = new DataqueryBuilder().datasource(PROMETHEUS).refId(REF_IDS[index]).expr(q.expr);
  if (q.legend !== undefined) b.legendFormat(q.legend);
  return q.instant ? b.instant() : b.range();
}
