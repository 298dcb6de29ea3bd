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
} from './plugin';
export { drillbookApiRef } from './api/DrillbookApi';
export type { DrillbookApi, FollowDrillOptions, FollowOutcome, ListDrillsQuery } from './api/DrillbookApi';
export { DrillbookClient } from './api/DrillbookClient';
export type { DrillbookClientOptions } from './api/DrillbookClient';
export { ControllerUnreachableError, describeDrillbookError } from './api/errors';
export {
  DRILLBOOK_SERVICE_ID_ANNOTATION,
  RECOMMENDER_SERVICE_TYPE,
  getDrillbookServiceId,
  isDrillbookAvailable,
  isRecommenderService,
} from './constants';
export { rootRouteRef } from './routes';
