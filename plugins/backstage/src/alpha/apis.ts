import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import { drillbookApiFactory } from '../plugin';

/** @alpha The Drillbook API (same factory as the legacy plugin). */
export const drillbookApi = ApiBlueprint.make({
  params: defineParams => defineParams(drillbookApiFactory),
});
