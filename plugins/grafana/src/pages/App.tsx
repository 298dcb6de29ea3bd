import React, { useMemo } from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, LinkButton } from '@grafana/ui';
import type { DrillbookApi } from '@drillbook/client';
import { DrillbookApiContext, createDrillbookClient } from '../drillbookApi';
import { PLUGIN_ID, ROUTES, type AppSettings } from '../constants';
import { DrillHistoryPage } from './DrillHistoryPage';
import { FollowDrillPage } from './FollowDrillPage';
import { GameDaysPage } from './GameDaysPage';
import { CalendarPage } from './CalendarPage';

/** The app's routes under /a/drillbook-gameday-app/, talking to the controller through `api`. */
export function AppRoutes({ api }: { api: DrillbookApi }) {
  return (
    <DrillbookApiContext.Provider value={api}>
      <Routes>
        <Route path={ROUTES.History} element={<DrillHistoryPage />} />
        <Route path={ROUTES.Calendar} element={<CalendarPage />} />
        <Route path={`${ROUTES.Drill}/:drillId`} element={<FollowDrillPage />} />
        <Route path="*" element={<GameDaysPage />} />
      </Routes>
    </DrillbookApiContext.Provider>
  );
}

export function App(props: AppRootProps<AppSettings>) {
  const api = useMemo(() => createDrillbookClient(), []);
  if (!props.meta.jsonData?.controllerUrl) {
    return (
      <PluginPage>
        <Alert severity="info" title="Drillbook is not configured yet">
          An admin sets the drill controller URL and token on the app&apos;s configuration page.
          <div style={{ marginTop: 8 }}>
            <LinkButton href={`/plugins/${PLUGIN_ID}`} icon="cog" variant="secondary">
              Open configuration
            </LinkButton>
          </div>
        </Alert>
      </PluginPage>
    );
  }
  return <AppRoutes api={api} />;
}

export default App;
