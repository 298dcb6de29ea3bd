import React from 'react';
import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { createExtensionTester, renderInTestApp } from '@backstage/frontend-test-utils';
import { ApiBlueprint, coreExtensionData } from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { drillbookApi, drillbookPage, entityDrillbookDrillsCard, entityDrillbookGpuCard, entityDrillbookSloCard } from './alpha';
import { drillbookApiRef } from './drillbookApi';
import { makeEntity } from './__fixtures__/entities';
import { makeFakeDrillbookApi } from './__fixtures__/fakeApi';
import { makeNoGpu, makeService } from './__fixtures__/controller';

describe('new frontend system extensions', () => {
  it('provides the Drillbook API through an ApiBlueprint', () => {
    const factory = createExtensionTester(drillbookApi).get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe('plugin.drillbook.service');
  });

  it('shows the entity cards only on entities with the drillbook.dev/service-id annotation', () => {
    const filters = [
      createExtensionTester(entityDrillbookSloCard).get(EntityCardBlueprint.dataRefs.filterFunction),
      createExtensionTester(entityDrillbookGpuCard).get(EntityCardBlueprint.dataRefs.filterFunction),
      createExtensionTester(entityDrillbookDrillsCard).get(EntityCardBlueprint.dataRefs.filterFunction),
    ];
    for (const filter of filters) {
      expect(filter?.(makeEntity({ serviceId: 'recsys-reference' }))).toBe(true);
      expect(filter?.(makeEntity({}))).toBe(false);
    }
  });

  it('mounts the Drillbook page at /drillbook', () => {
    expect(createExtensionTester(drillbookPage).get(coreExtensionData.routePath)).toBe('/drillbook');
  });

  it('renders the GPU card extension with live data for the entity', async () => {
    const element = createExtensionTester(entityDrillbookGpuCard).reactElement();
    // The card loads lazily; in an app a Suspense boundary above the entity page catches that.
    renderInTestApp(
      <React.Suspense fallback={null}>
        <EntityProvider entity={makeEntity({ serviceId: 'recsys-reference' })}>{element}</EntityProvider>
      </React.Suspense>,
      {
        apis: [[drillbookApiRef, makeFakeDrillbookApi({ getService: async () => makeService({ gpu: makeNoGpu() }) })]],
      },
    );
    // The card is lazy-loaded: its first import may take a few seconds on a busy machine.
    expect(await screen.findByText('No GPU on this service', undefined, { timeout: 15_000 })).toBeInTheDocument();
  });
});
