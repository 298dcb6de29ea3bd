import type { Entity } from '@backstage/catalog-model';
import { DRILLBOOK_SERVICE_ID_ANNOTATION } from '../constants';

export interface EntityOptions {
  name?: string;
  serviceId?: string;
  type?: string;
  owner?: string;
  kind?: string;
}

/** A catalogue Component, annotated with a Drillbook service id when `serviceId` is given. */
export function makeEntity(options: EntityOptions): Entity {
  const { name = 'recsys-reference', serviceId, type = 'recommender-service', owner = 'group:default/search-relevance', kind = 'Component' } = options;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name,
      namespace: 'default',
      annotations: serviceId !== undefined ? { [DRILLBOOK_SERVICE_ID_ANNOTATION]: serviceId } : {},
    },
    spec: { type, owner, lifecycle: 'production' },
  };
}
