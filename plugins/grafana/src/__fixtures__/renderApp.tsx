import React from 'react';
import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { createDrillbookClient } from '../drillbookApi';
import { PLUGIN_BASE_URL, prefixRoute } from '../constants';
import { AppRoutes } from '../pages/App';
import { createFakeController, type FakeControllerOptions } from './fakeController';

let currentPath = '';
function LocationProbe() {
  currentPath = useLocation().pathname;
  return null;
}

/** Renders the app's routes at `route` (e.g. "gamedays") against a fake controller behind a fake plugin proxy. */
export function renderApp(route: string, options: FakeControllerOptions = {}) {
  const fake = createFakeController(options);
  const api = createDrillbookClient({ fetch: fake.fetch, reconnectDelayMs: 0, sleep: async () => undefined });
  const utils = render(
    <MemoryRouter initialEntries={[prefixRoute(route)]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <LocationProbe />
      <Routes>
        <Route path={`${PLUGIN_BASE_URL}/*`} element={<AppRoutes api={api} />} />
      </Routes>
    </MemoryRouter>
  );
  return { ...utils, fake, api, path: () => currentPath };
}
