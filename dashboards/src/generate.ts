/**
 * The dashboards, in the order they are generated, and their JSON as committed under
 * dashboards/generated (two-space indentation, stamp first, trailing newline).
 */
import type { SloModel } from '@drillbook/alerts';
import { accelerators } from './accelerators.js';
import { finalize, type GeneratedDashboard } from './common/dashboard.js';
import { drill } from './drill.js';
import { sloOverview } from './sloOverview.js';
import { modelStore } from './modelStore.js';

export interface DashboardFile {
  /** File name under dashboards/generated. */
  path: string;
  dashboard: GeneratedDashboard;
  content: string;
}

export const DASHBOARDS = [
  { path: 'recsys-slo-overview.json', source: 'dashboards/src/sloOverview.ts', build: (slos: readonly SloModel[]) => sloOverview(slos) },
  { path: 'recsys-accelerators.json', source: 'dashboards/src/accelerators.ts', build: () => accelerators() },
  { path: 'drillbook-drill.json', source: 'dashboards/src/drill.ts', build: () => drill() },
  { path: 'recsys-model-store.json', source: 'dashboards/src/modelStore.ts', build: () => modelStore() },
] as const;

export function generateDashboards(slos: readonly SloModel[]): DashboardFile[] {
  return DASHBOARDS.map((d) => {
    const dashboard = finalize(d.build(slos), d.source);
    return { path: d.path, dashboard, content: `${JSON.stringify(dashboard, null, 2)}\n` };
  });
}
