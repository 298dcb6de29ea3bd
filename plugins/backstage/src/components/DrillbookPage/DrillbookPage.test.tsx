import React from 'react';
import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { drillbookApiRef, DrillbookApi } from '../../drillbookApi';
import { DrillbookApiError } from '@drillbook/client';
import { DrillbookPage } from './DrillbookPage';
import { makeEntity } from '../../__fixtures__/entities';
import { makeFakeDrillbookApi, pending } from '../../__fixtures__/fakeApi';
import { makeDrill, makeNoGpu, makeService, makeSlo } from '../../__fixtures__/controller';

const catalogue: Entity[] = [
  makeEntity({ name: 'recsys-reference', serviceId: 'recsys-reference', owner: 'group:default/search-relevance' }),
  makeEntity({ name: 'homepage-recs', serviceId: 'homepage-recs', type: 'service', owner: 'group:default/personalisation' }),
  makeEntity({ name: 'similar-items', owner: 'group:default/personalisation' }),
  makeEntity({ name: 'checkout', type: 'website', owner: 'group:default/payments' }),
];

const services = [
  makeService(),
  makeService({
    id: 'homepage-recs',
    title: 'Homepage recommendations',
    owner: 'personalisation',
    entityRef: 'component:default/homepage-recs',
    slos: [makeSlo({ attainment: 0.995, errorBudgetRemaining: -0.2, burnRate: 16 })],
    gpu: makeNoGpu(),
    lastDrill: makeDrill({ service: 'homepage-recs', score: 55 }),
  }),
  makeService({ id: 'batch-ranker', title: 'Batch ranker', owner: 'ml-platform', entityRef: undefined, lastDrill: null, slos: [makeSlo({ errorBudgetRemaining: 0.9, burnRate: 0.1 })] }),
];

async function renderPage(api: DrillbookApi, entities: Entity[] = catalogue) {
  return renderInTestApp(
    <TestApiProvider apis={[[drillbookApiRef, api], [catalogApiRef, catalogApiMock({ entities })]]}>
      <DrillbookPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

function rowOf(name: string) {
  const cell = screen.getAllByText(name)[0];
  return within(cell.closest('tr') as HTMLElement);
}

/** The service names in table order (the link or plain name, without the caption under it). */
function serviceColumn(): string[] {
  return screen
    .getAllByRole('row')
    .slice(1)
    .map(r => r.querySelector('td')?.firstElementChild?.textContent ?? '')
    .filter(Boolean);
}

describe('DrillbookPage', () => {
  it('shows a progress bar while loading', async () => {
    await renderPage(makeFakeDrillbookApi({ listServices: () => pending() }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('lists recommender-service components and annotated entities with owner, SLO state, budget, GPU and last score', async () => {
    await renderPage(makeFakeDrillbookApi({ listServices: async () => services }));
    expect(await screen.findByText('Recommender services (4)')).toBeInTheDocument();
    expect(screen.queryByText('checkout')).not.toBeInTheDocument();

    const reference = rowOf('recsys-reference');
    expect(reference.getByRole('link', { name: 'recsys-reference' })).toHaveAttribute('href', '/catalog/default/component/recsys-reference');
    expect(reference.getByText('group:default/search-relevance')).toBeInTheDocument();
    expect(reference.getByText('at risk')).toBeInTheDocument();
    expect(reference.getByText('30%')).toBeInTheDocument();
    expect(reference.getByText('66%')).toBeInTheDocument();
    expect(reference.getByText('92')).toBeInTheDocument();

    const homepage = rowOf('homepage-recs');
    expect(homepage.getByText('breaching')).toBeInTheDocument();
    expect(homepage.getByText('-20%')).toBeInTheDocument();
    expect(homepage.getByText('no GPU')).toBeInTheDocument();
    expect(homepage.getByText('55')).toBeInTheDocument();

    const unannotated = rowOf('similar-items');
    expect(unannotated.getByText('no drillbook.dev/service-id annotation')).toBeInTheDocument();
    expect(unannotated.getByText('missing annotation')).toBeInTheDocument();

    const controllerOnly = rowOf('Batch ranker');
    expect(controllerOnly.getByText('batch-ranker · not in catalogue')).toBeInTheDocument();
    expect(controllerOnly.getByText('meeting objective')).toBeInTheDocument();
  });

  it('sorts by budget left, worst first, with services without figures last', async () => {
    const user = userEvent.setup();
    await renderPage(makeFakeDrillbookApi({ listServices: async () => services }));
    await screen.findByText('Recommender services (4)');
    // material-table renders the sort label and a drag handle with the same name; the first sorts.
    await user.click(screen.getAllByRole('button', { name: 'Budget left' })[0]);
    expect(serviceColumn()).toEqual(['homepage-recs', 'recsys-reference', 'Batch ranker', 'similar-items']);
  });

  it('filters the table by SLO state', async () => {
    const user = userEvent.setup();
    await renderPage(makeFakeDrillbookApi({ listServices: async () => services }));
    await screen.findByText('Recommender services (4)');
    await user.click(screen.getByRole('button', { name: 'filter list' }));
    const stateFilter = screen.getByText('SLO state', { selector: 'label' }).parentElement as HTMLElement;
    await user.click(within(stateFilter).getByRole('button'));
    await user.click(await screen.findByRole('option', { name: 'breaching' }));
    expect(serviceColumn()).toEqual(['homepage-recs']);
  });

  it('still lists the catalogue and explains the failure when the controller is down', async () => {
    const api = makeFakeDrillbookApi({
      listServices: async () => {
        throw DrillbookApiError.network('GET', 'http://localhost:7007/api/proxy/drillbook/api/v1/services', new TypeError('Failed to fetch'));
      },
    });
    await renderPage(api);
    expect(await screen.findByText(/Live figures unavailable: Drillbook controller unreachable/)).toBeInTheDocument();
    expect(screen.getByText('Recommender services (3)')).toBeInTheDocument();
    expect(rowOf('recsys-reference').getByText('recsys-reference · controller unavailable')).toBeInTheDocument();
  });

  it('tells the user how to get a service listed when there is none', async () => {
    await renderPage(makeFakeDrillbookApi({ listServices: async () => [] }), [makeEntity({ name: 'checkout', type: 'website' })]);
    expect(await screen.findByText(/No recommender services: give a component/)).toBeInTheDocument();
  });
});
