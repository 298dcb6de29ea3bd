/** Query variables over label values, all reading the `${datasource}` variable. */
import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS } from './datasource.js';

export interface LabelVariable {
  name: string;
  label: string;
  /** Series whose label values are offered, e.g. `slo:objective:ratio{sloth_service="$service"}`. */
  series: string;
  labelName: string;
  /** Offer "All" (a `.*` regex); the panel selector must then use `=~`. */
  includeAll?: boolean;
}

export function labelVariable(v: LabelVariable): QueryVariableBuilder {
  const query = `label_values(${v.series}, ${v.labelName})`;
  const b = new QueryVariableBuilder(v.name)
    .label(v.label)
    .datasource(PROMETHEUS)
    .query({ query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
  if (v.includeAll) b.includeAll(true).multi(true).allValue('.*');
  return b;
}
