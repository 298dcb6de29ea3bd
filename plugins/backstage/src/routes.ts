import { createRouteRef } from '@backstage/core-plugin-api';

/** Route of the Drillbook catalogue page (`DrillbookPage`). */
export const rootRouteRef = createRouteRef({ id: 'drillbook' });
