/**
 * Every panel, variable and annotation reads the standard Prometheus data source through the
 * `${datasource}` template variable, so a dashboard works against whichever Prometheus a Grafana
 * instance calls its own.
 */
import { DatasourceVariableBuilder, VariableHide } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';

export const DATASOURCE_VARIABLE = 'datasource';

export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

/** Grafana's built-in annotation store (where the drill controller writes drill annotations). */
export const GRAFANA_ANNOTATIONS: DataSourceRef = { type: 'grafana', uid: '-- Grafana --' };

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus').hide(VariableHide.DontHide);
}
