import React from 'react';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import { rootRouteRef } from '../routes';

/** @alpha The Drillbook catalogue page at /drillbook. */
export const drillbookPage = PageBlueprint.make({
  params: {
    path: '/drillbook',
    title: 'Drillbook',
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () => import('../components/DrillbookPage/DrillbookPage').then(m => <m.DrillbookPage />),
  },
});
