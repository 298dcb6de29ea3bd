/**
 * Drillbook Backstage plugin: recommender services with live SLOs, GPU utilisation and
 * game-day drills in the catalogue. New frontend system: `@drillbook/backstage-plugin/alpha`.
 */
export {
  drillbookPlugin,
  DrillbookPage,
  EntityDrillbookSloCard,
  EntityDrillbookGpuCard,
  EntityDrillbookDrillsCard,
  EntityDrillbookContent,
  EntityDrillbookGameDayCalendarCard,
} from './plugin';
export { drillbookApiRef, createDrillbookClient } from './drillbookApi';
export type { BackstageDrillbookClientOptions, DrillbookApi, FollowDrillOptions, FollowOutcome, ListDrillsQuery } from './drillbookApi';
export { DrillbookClient, DrillbookApiError } from '@drillbook/client';
export { describeDrillbookError } from './errors';
export {
  DRILLBOOK_SERVICE_ID_ANNOTATION,
  RECOMMENDER_SERVICE_TYPE,
  getDrillbookServiceId,
  isDrillbookAvailable,
  isRecommenderService,
} from './constants';
export { rootRouteRef } from './routes';
export * from './permissions';
