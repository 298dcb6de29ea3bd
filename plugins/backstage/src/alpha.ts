import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { convertLegacyRouteRefs } from '@backstage/core-compat-api';
import { drillbookApi, drillbookPage, entityDrillbookCalendarCard, entityDrillbookContent, entityDrillbookDrillsCard, entityDrillbookGpuCard, entityDrillbookSloCard } from './alpha/index';
import { rootRouteRef } from './routes';

export { drillbookApi, drillbookPage, entityDrillbookCalendarCard, entityDrillbookContent, entityDrillbookDrillsCard, entityDrillbookGpuCard, entityDrillbookSloCard };

/**
 * The Drillbook plugin for Backstage's new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'drillbook',
  title: 'Drillbook',
  routes: convertLegacyRouteRefs({ root: rootRouteRef }),
  extensions: [drillbookApi, drillbookPage, entityDrillbookSloCard, entityDrillbookGpuCard, entityDrillbookDrillsCard, entityDrillbookCalendarCard, entityDrillbookContent],
});
