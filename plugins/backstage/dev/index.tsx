/**
 * Dev app: the plugin in a Backstage app shell, talking to a running drill controller through the
 * dev server's stand-in for the Backstage proxy (`/api/proxy/drillbook`). Start it with `npm run dev`.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import { createDevApp } from '@backstage/dev-utils';
import { createApiFactory, createPlugin, createRoutableExtension } from '@backstage/core-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { SidebarItem } from '@backstage/core-components';
import ExtensionIcon from '@material-ui/icons/Extension';
import { drillbookPlugin, DrillbookPage } from '../src';
import { devEntities } from './entities';
import { permissionApiRef, type PermissionApi } from '@backstage/plugin-permission-react';
import { AuthorizeResult, isResourcePermission } from '@backstage/plugin-permission-common';
import { parseEntityRef } from '@backstage/catalog-model';
import type { WhoAmI } from '@drillbook/contracts';

// The backend base URL is this page's origin: the dev server proxies /api/proxy/drillbook.
(window as unknown as { __APP_CONFIG__: object }).__APP_CONFIG__ = {
  app: { baseUrl: window.location.origin, title: 'Drillbook dev' },
  backend: { baseUrl: window.location.origin },
  drillbook: { refreshIntervalSeconds: 10 },
};

/** Mounts a catalogue entity route so EntityRefLinks on the Drillbook page resolve in the dev app. */
const devCatalogPlugin = createPlugin({ id: 'catalog', routes: { entity: entityRouteRef } });
const DevEntityPage = devCatalogPlugin.provide(
  createRoutableExtension({
    name: 'DevEntityPage',
    component: () => import('./DevEntityPage').then(m => m.DevEntityPage),
    mountPoint: entityRouteRef,
  }),
);

// Built and rendered here rather than with `.render()`: dev-utils only picks React 18's createRoot
// when a bundler defines process.env.HAS_REACT_DOM_CLIENT, which Vite's dependency pre-bundling does not.
/**
 * Stand-in for an app's permission backend and policy: launch and abort (resource permissions on
 * the entity) are allowed where the controller grants the signed-in person (or the proxy token)
 * operator rights on the entity's service; everything else is allowed.
 */
const devPermissionApi: PermissionApi = {
  async authorize(request) {
    if (!isResourcePermission(request.permission) || !('resourceRef' in request) || !request.resourceRef) return { result: AuthorizeResult.ALLOW };
    const res = await fetch(`${window.location.origin}/api/proxy/drillbook/api/v1/me`);
    if (!res.ok) return { result: AuthorizeResult.DENY };
    const me = (await res.json()) as WhoAmI;
    const service = parseEntityRef(request.resourceRef).name;
    const ok = me.role !== 'viewer' && (me.services.includes('*') || me.services.includes(service));
    return { result: ok ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  },
};

const DevApp = createDevApp()
  .registerApi(createApiFactory({ api: permissionApiRef, deps: {}, factory: () => devPermissionApi }))
  .registerPlugin(drillbookPlugin)
  .registerPlugin(devCatalogPlugin)
  .registerApi(createApiFactory({ api: catalogApiRef, deps: {}, factory: () => new InMemoryCatalogClient({ entities: devEntities }) }))
  .addPage({ path: '/drillbook', title: 'Drillbook', element: <DrillbookPage /> })
  .addPage({ path: '/catalog/:namespace/:kind/:name', element: <DevEntityPage /> })
  .addSidebarItem(<SidebarItem icon={ExtensionIcon} to="/catalog/default/component/recsys-reference" text="recsys-reference" />)
  .build();

if (window.location.pathname === '/') window.history.replaceState(null, '', '/drillbook');
createRoot(document.getElementById('root') as HTMLElement).render(<DevApp />);
