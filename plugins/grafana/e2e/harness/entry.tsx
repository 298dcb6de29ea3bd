// HARNESS ONLY — not Grafana. Renders the BUILT dist/ module.js files (loaded through a tiny AMD
// loader with the modules Grafana shares) so a browser can show the panels and app pages.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryRouter, Route, Routes } from 'react-router';
import {
  EventBusSrv,
  LoadingState,
  PluginType,
  createTheme,
  dateTime,
  type AppPlugin,
  type AppPluginMeta,
  type DataFrame,
  type DataSourceApi,
  type DataSourcePlugin,
  type PanelPlugin,
} from '@grafana/data';
import { GlobalStyles, PanelChrome, ThemeContext } from '@grafana/ui';
import { panelOptionDefaults } from '../../src/__fixtures__/panelOptionDefaults';
import { installDefine, loadAmdModule } from './amdLoader';
import { panelCases, type PanelCase } from './data';
import { shared } from './shared';

const APP_ID = 'drillbook-gameday-app';
const base = `/public/plugins/${APP_ID}`;
const theme = createTheme({ colors: { mode: 'dark' } });

const defaultsOf = panelOptionDefaults;

function PanelBox({ c, plugin }: { c: PanelCase; plugin: PanelPlugin }) {
  const Panel = plugin.panel!;
  const options = { ...defaultsOf(plugin), ...(c.options ?? {}) };
  const from = dateTime('2025-11-20T13:00:00Z');
  const to = dateTime('2025-11-20T15:00:00Z');
  const timeRange = { from, to, raw: { from: 'now-2h', to: 'now' } };
  return (
    <div data-testid={`harness-panel-${c.key}`} style={{ width: c.width, height: c.height + 32 }}>
      <PanelChrome title={c.title} width={c.width} height={c.height + 32}>
        {(w, h) => (
          <Panel
            id={1}
            data={{ series: c.frames, state: LoadingState.Done, timeRange }}
            timeRange={timeRange}
            timeZone="utc"
            options={options}
            transparent={false}
            width={w}
            height={h}
            fieldConfig={{ defaults: {}, overrides: [] }}
            renderCounter={1}
            title={c.title}
            eventBus={new EventBusSrv()}
            onOptionsChange={() => undefined}
            onFieldConfigChange={() => undefined}
            replaceVariables={(s) => s}
            onChangeTimeRange={() => undefined}
          />
        )}
      </PanelChrome>
    </div>
  );
}

function Banner() {
  return (
    <div style={{ background: '#8a6d00', color: '#fff', padding: '4px 12px', fontSize: 12 }} data-testid="harness-banner">
      HARNESS — built module.js from dist/, loaded by a test AMD loader; behind /api/plugin-proxy:{' '}
      {(window as unknown as { __drillbook_harness_backend__?: string }).__drillbook_harness_backend__ ?? 'a fake controller'}. This is not Grafana.
    </div>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <Banner />
      <div style={{ padding: 16 }}>{children}</div>
    </ThemeContext.Provider>
  );
}

const appMeta = {
  id: APP_ID,
  name: 'Drillbook game days',
  type: PluginType.app,
  enabled: true,
  pinned: true,
  jsonData: { controllerUrl: 'http://127.0.0.1:7070' },
  secureJsonFields: { controllerToken: true },
  info: {} as AppPluginMeta['info'],
  module: `${base}/module.js`,
  baseUrl: base,
} as AppPluginMeta;

async function main() {
  installDefine();
  const root = createRoot(document.getElementById('root')!);
  const view = new URLSearchParams(location.search).get('view') ?? 'panels';
  try {
    if (view === 'panels') {
      const plugins = {
        scorecard: (await loadAmdModule(`${base}/panels/scorecard/module.js`, shared)).plugin as PanelPlugin,
        'slo-budget': (await loadAmdModule(`${base}/panels/slo-budget/module.js`, shared)).plugin as PanelPlugin,
      };
      // The built Drillbook data source, querying the (fake) controller through the app routes.
      const dsPlugin = (await loadAmdModule(`${base}/datasource/module.js`, shared)).plugin as DataSourcePlugin<DataSourceApi>;
      const ds = new dsPlugin.DataSourceClass({ id: 1, uid: 'drillbook-controller', name: 'Drillbook', type: 'drillbook-controller-datasource', jsonData: {}, meta: {} } as never);
      const from = dateTime('2025-11-01T00:00:00Z');
      const to = dateTime('2025-11-30T00:00:00Z');
      const res = await (ds.query({
        targets: [{ refId: 'A', kind: 'latest-scorecard', service: 'recsys-reference', runbook: 'zone-outage' }],
        range: { from, to, raw: { from: 'now-30d', to: 'now' } },
        scopedVars: {},
      } as never) as Promise<{ data: DataFrame[] }>);
      const cases = [
        ...panelCases(),
        { key: 'scorecard-datasource', title: 'Drill scorecard (Drillbook data source: latest zone-outage)', plugin: 'scorecard' as const, width: 760, height: 520, frames: res.data },
      ];
      root.render(
        <Shell>
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'flex-start' }}>
            {cases.map((c) => (
              <PanelBox key={c.key} c={c} plugin={plugins[c.plugin]} />
            ))}
          </div>
        </Shell>
      );
    } else {
      const app = (await loadAmdModule(`${base}/module.js`, shared)).plugin as AppPlugin;
      app.meta = appMeta;
      if (view === 'config') {
        const Config = app.configPages![0].body;
        root.render(
          <Shell>
            <div style={{ maxWidth: 900 }} data-testid="harness-config">
              <Config plugin={app as never} query={{}} />
            </div>
          </Shell>
        );
      } else {
        const Root = app.root!;
        const route = new URLSearchParams(location.search).get('route') ?? 'gamedays';
        root.render(
          <Shell>
            <div style={{ maxWidth: 1100 }}>
              <MemoryRouter initialEntries={[`/a/${APP_ID}/${route}`]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
                <Routes>
                  <Route path={`/a/${APP_ID}/*`} element={<Root meta={appMeta} path={`/a/${APP_ID}`} query={{}} basename={`/a/${APP_ID}`} onNavChanged={() => undefined} />} />
                </Routes>
              </MemoryRouter>
            </div>
          </Shell>
        );
      }
    }
    document.body.dataset.harness = 'ready';
  } catch (err) {
    document.body.dataset.harness = 'failed';
    root.render(<pre data-testid="harness-error">{String((err as Error).stack ?? err)}</pre>);
    throw err;
  }
}

void main();
