/** The generated Grafana dashboards as ConfigMaps the Grafana sidecar picks up by label. */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { generateDashboards } from '@drillbook/dashboards';
import type { SloModel } from '@drillbook/alerts';
import { labels, type DeployValues } from '../values.js';

export function dashboardConfigMaps(v: DeployValues, slos: readonly SloModel[]): ConfigMap[] {
  return generateDashboards(slos).map((d) => {
    const name = `drillbook-dashboard-${d.path.replace(/\.json$/, '')}`;
    return new ConfigMap({
      metadata: {
        name,
        namespace: v.namespace,
        labels: { ...labels(v, 'dashboards', name), [v.grafanaDashboardLabel]: '1' },
        annotations: { 'drillbook.dev/source': `dashboards/generated/${d.path}` },
      },
      data: { [d.path]: d.content },
    });
  });
}
