import React, { ReactElement } from 'react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { permissionApiRef, type PermissionApi } from '@backstage/plugin-permission-react';
import { drillbookApiRef, DrillbookApi } from '../drillbookApi';

/** Renders an entity card the way an entity page does: in a test app, with the entity in context. */
export function renderEntityCard(element: ReactElement, options: { api: DrillbookApi; entity: Entity; permissionApi?: PermissionApi }) {
  const apis: Parameters<typeof TestApiProvider>[0]['apis'] = options.permissionApi ? [[drillbookApiRef, options.api], [permissionApiRef, options.permissionApi]] : [[drillbookApiRef, options.api]];
  return renderInTestApp(
    <TestApiProvider apis={apis}>
      <EntityProvider entity={options.entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
