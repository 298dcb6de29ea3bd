import {
  configApiRef,
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createDrillbookClient, drillbookApiRef } from './drillbookApi';
import { readDrillbookSettings } from './config';
import { rootRouteRef } from './routes';

/** The one place the Drillbook API is constructed (both frontend systems use this factory). */
export const drillbookApiFactory = createApiFactory({
  api: drillbookApiRef,
  deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef, configApi: configApiRef },
  factory: ({ discoveryApi, fetchApi, configApi }) => {
    const { proxyPath, baseUrl, useBackendPlugin } = readDrillbookSettings(configApi);
    return createDrillbookClient({ discoveryApi, fetchApi, proxyPath, baseUrl, useBackendPlugin });
  },
});

export const drillbookPlugin = createPlugin({
  id: 'drillbook',
  apis: [drillbookApiFactory],
  routes: { root: rootRouteRef },
});

/** Catalogue page of every recommender service. */
export const DrillbookPage = drillbookPlugin.provide(
  createRoutableExtension({
    name: 'DrillbookPage',
    component: () => import('./components/DrillbookPage/DrillbookPage').then(m => m.DrillbookPage),
    mountPoint: rootRouteRef,
  }),
);

/** Entity card: SLO attainment, error budget with burn-down, burn rate against alert thresholds. */
export const EntityDrillbookSloCard = drillbookPlugin.provide(
  createComponentExtension({
    name: 'EntityDrillbookSloCard',
    component: { lazy: () => import('./components/SloCard/SloCard').then(m => m.SloCard) },
  }),
);

/** Entity card: GPU/accelerator utilisation and memory per replica and device. */
export const EntityDrillbookGpuCard = drillbookPlugin.provide(
  createComponentExtension({
    name: 'EntityDrillbookGpuCard',
    component: { lazy: () => import('./components/GpuCard/GpuCard').then(m => m.GpuCard) },
  }),
);

/** Entity card: drill history, score trend, launch flow and live progress. */
export const EntityDrillbookDrillsCard = drillbookPlugin.provide(
  createComponentExtension({
    name: 'EntityDrillbookDrillsCard',
    component: { lazy: () => import('./components/DrillsCard/DrillsCard').then(m => m.DrillsCard) },
  }),
);

/** Entity tab content with all three cards. */
export const EntityDrillbookContent = drillbookPlugin.provide(
  createComponentExtension({
    name: 'EntityDrillbookContent',
    component: { lazy: () => import('./components/EntityDrillbookContent').then(m => m.EntityDrillbookContent) },
  }),
);

/** Entity card: the service's game-day calendar (scheduled runs, blackouts, approvals, resilience, regressions). */
export const EntityDrillbookGameDayCalendarCard = drillbookPlugin.provide(
  createComponentExtension({
    name: 'EntityDrillbookGameDayCalendarCard',
    component: { lazy: () => import('./components/GameDayCalendar/GameDayCalendar').then(m => m.EntityGameDayCalendarCard) },
  }),
);
