import React from 'react';
import { EntityCardBlueprint, EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isDrillbookAvailable } from '../constants';

/** @alpha */
export const entityDrillbookSloCard = EntityCardBlueprint.make({
  name: 'slo',
  params: {
    filter: isDrillbookAvailable,
    loader: () => import('../components/SloCard/SloCard').then(m => <m.SloCard />),
  },
});

/** @alpha */
export const entityDrillbookGpuCard = EntityCardBlueprint.make({
  name: 'gpu',
  params: {
    filter: isDrillbookAvailable,
    loader: () => import('../components/GpuCard/GpuCard').then(m => <m.GpuCard />),
  },
});

/** @alpha */
export const entityDrillbookDrillsCard = EntityCardBlueprint.make({
  name: 'drills',
  params: {
    filter: isDrillbookAvailable,
    type: 'content',
    loader: () => import('../components/DrillsCard/DrillsCard').then(m => <m.DrillsCard />),
  },
});

/** @alpha Entity tab "Drillbook" with all three cards. */
export const entityDrillbookContent = EntityContentBlueprint.make({
  name: 'drillbook',
  params: {
    path: '/drillbook',
    title: 'Drillbook',
    filter: isDrillbookAvailable,
    loader: () => import('../components/EntityDrillbookContent').then(m => <m.EntityDrillbookContent />),
  },
});

/** @alpha Entity card: the service's game-day calendar (scheduled runs, blackouts, approvals, resilience, regressions). */
export const entityDrillbookCalendarCard = EntityCardBlueprint.make({
  name: 'calendar',
  params: {
    filter: isDrillbookAvailable,
    type: 'content',
    loader: () => import('../components/GameDayCalendar/GameDayCalendar').then(m => <m.EntityGameDayCalendarCard />),
  },
});
