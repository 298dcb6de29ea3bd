import React, { ReactElement } from 'react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { drillbookApiRef, DrillbookApi } from '../drillbookApi';

/** Renders an entity card the way an entity page does: in a test app, with the entity in context. */
export function renderEntityCard(element: ReactElement, options: { api: DrillbookApi; entity: Entity }) {
  return renderInTestApp(
    <TestApiProvider apis={[[drillbookApiRef, options.api]]}>
      <EntityProvider entity={options.entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
