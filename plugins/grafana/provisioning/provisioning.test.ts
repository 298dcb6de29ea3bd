import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { METRIC } from '@drillbook/contracts';
import { defaultDashboard } from '@grafana/schema';
import appPlugin from '../src/plugin.json';
import scorecardPlugin from '../src/panels/scorecard/plugin.json';
import sloPlugin from '../src/panels/slo-budget/plugin.json';
import dsPlugin from '../src/datasource/plugin.json';
import { CONTROLLER_EXTRA_METRICS, DRILL_METRICS } from '../src/frames/drillMetrics';
import { sloBudgetQuery } from '../src/frames/sloBudget';
import { defaultScorecardOptions } from '../src/panels/scorecard/types';
import { defaultSloBudgetOptions } from '../src/panels/slo-budget/types';

const here = resolve(import.meta.dirname);
const yaml = (rel: string) => parse(readFileSync(join(here, rel), 'utf8'));
const compose = parse(readFileSync(join(here, '../docker-compose.yaml'), 'utf8'));
const env = compose.services.grafana.environment as Record<string, string>;
const volumes = compose.services.grafana.volumes as string[];
const dashboard = JSON.parse(readFileSync(join(here, 'dashboards/drillbook-plugin/drillbook-gameday-panels.json'), 'utf8'));

describe('provisioning', () => {
  it('enables the app by its plugin.json id with the controller URL in jsonData and the token in secureJsonData', () => {
    const [app] = yaml('plugins/drillbook.yaml').apps;
    expect(app.type).toBe(appPlugin.id);
    expect(app.disabled).toBe(false);
    expect(Object.keys(app.jsonData)).toEqual(['controllerUrl']);
    expect(Object.keys(app.secureJsonData)).toEqual(['controllerToken']);
    // the keys the plugin routes template
    const routes = JSON.stringify(appPlugin.routes);
    expect(routes).toContain('.JsonData.controllerUrl');
    expect(routes).toContain('.SecureJsonData.controllerToken');
  });

  it('adds one default Prometheus data source and the Drillbook data source', () => {
    const ds = yaml('datasources/prometheus.yaml').datasources;
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ type: 'prometheus', isDefault: true, access: 'proxy', url: '${DRILLBOOK_PROMETHEUS_URL}' });
    const [drillbook] = yaml('datasources/drillbook.yaml').datasources;
    expect(drillbook).toMatchObject({ type: dsPlugin.id, uid: 'drillbook-controller' });
    expect(drillbook.url).toBeUndefined(); // it borrows the app's routes
  });

  it('points the dashboard providers at the generated dashboards and the plugin dashboard', () => {
    const providers = yaml('dashboards/drillbook.yaml').providers;
    expect(providers.map((p: { options: { path: string } }) => p.options.path)).toEqual(['${DRILLBOOK_DASHBOARDS_DIR}', '${DRILLBOOK_PLUGIN_DASHBOARDS_DIR}']);
    expect(volumes).toContain(`../../dashboards/generated:${env.DRILLBOOK_DASHBOARDS_DIR}:ro`);
    expect(volumes).toContain(`./provisioning/dashboards/drillbook-plugin:${env.DRILLBOOK_PLUGIN_DASHBOARDS_DIR}:ro`);
    const generated = join(here, '../../../dashboards/generated');
    expect(existsSync(generated)).toBe(true);
    const uids = readdirSync(generated)
      .filter((n) => n.endsWith('.json'))
      .map((n) => JSON.parse(readFileSync(join(generated, n), 'utf8')).uid);
    expect(uids.length).toBeGreaterThan(0);
    expect(uids).not.toContain(dashboard.uid);
  });

  it('mounts dist/ as the app and allows exactly the bundle ids unsigned', () => {
    expect(volumes).toContain(`./dist:/var/lib/grafana/plugins/${appPlugin.id}:ro`);
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',').sort()).toEqual([appPlugin.id, dsPlugin.id, scorecardPlugin.id, sloPlugin.id].sort());
  });

  it('lists every environment variable the provisioning files use in docker-compose', () => {
    const used = new Set<string>();
    for (const dir of ['plugins', 'datasources', 'dashboards']) {
      for (const f of readdirSync(join(here, dir)).filter((n) => n.endsWith('.yaml'))) {
        for (const m of readFileSync(join(here, dir, f), 'utf8').matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)) {
          used.add(m[1]);
        }
      }
    }
    expect([...used].filter((v) => !(v in env))).toEqual([]);
  });
});

describe('the plugin dashboard', () => {
  type Panel = { type: string; datasource: { type: string; uid: string }; targets: Array<Record<string, unknown>>; options?: unknown };
  const panels = dashboard.panels as Panel[];
  const prom = panels.filter((p) => p.datasource.type === 'prometheus');
  const panel = (type: string) => prom.find((p) => p.type === type)!;

  it('stores the plugin dashboard at the schemaVersion of the @grafana/schema it builds against (no migration on load)', () => {
    expect(dashboard.schemaVersion).toBe(defaultDashboard.schemaVersion);
  });

  it('shows both nested panels, reading Prometheus through ${datasource} and the controller through the Drillbook data source', () => {
    expect([...new Set(panels.map((p) => p.type))].sort()).toEqual([scorecardPlugin.id, sloPlugin.id, 'timeseries'].sort());
    for (const p of panels) {
      expect([{ type: 'prometheus', uid: '${datasource}' }, { type: dsPlugin.id, uid: 'drillbook-controller' }]).toContainEqual(p.datasource);
      expect(p.targets.every((t) => JSON.stringify(t.datasource) === JSON.stringify(p.datasource))).toBe(true);
    }
    const controller = panels.filter((p) => p.datasource.type === dsPlugin.id);
    expect(controller.map((p) => p.targets[0].kind).sort()).toEqual(['history', 'latest-scorecard']);
  });

  it('queries exactly what the SLO budget panel reads', () => {
    expect(panel(sloPlugin.id).targets[0].expr).toBe(sloBudgetQuery('$service'));
  });

  it('queries every drill metric the scorecard panel reads', () => {
    const expr = String(panel(scorecardPlugin.id).targets[0].expr);
    const names = [...DRILL_METRICS, ...Object.values(CONTROLLER_EXTRA_METRICS)];
    const selector = new RegExp(`^(?:${/__name__=~"([^"]+)"/.exec(expr)![1]})$`);
    expect(names.filter((n) => !selector.test(n))).toEqual([]);
    expect(selector.test(METRIC.drillScore)).toBe(true);
  });

  it('stores panel options the panels know, with their defaults', () => {
    expect(panel(scorecardPlugin.id).options).toEqual(defaultScorecardOptions);
    expect(panel(sloPlugin.id).options).toEqual(defaultSloBudgetOptions);
  });
});
