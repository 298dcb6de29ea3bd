import React from 'react';
import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { SloCard } from './SloCard';
import { createDrillbookClient } from '../../drillbookApi';
import { makeEntity } from '../../__fixtures__/entities';
import { makeFakeDrillbookApi, pending } from '../../__fixtures__/fakeApi';
import { makeService, makeSlo } from '../../__fixtures__/controller';
import { renderEntityCard } from '../../testing/render';
import { closedPortUrl } from '../../testing/httpServer';

const entity = makeEntity({ serviceId: 'recsys-reference' });

describe('SloCard', () => {
  it('shows a progress bar while the service is loading', async () => {
    await renderEntityCard(<SloCard />, { entity, api: makeFakeDrillbookApi({ getService: () => pending() }) });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('explains that the annotation is missing instead of calling the controller', async () => {
    let called = false;
    const api = makeFakeDrillbookApi({
      getService: async () => {
        called = true;
        return makeService();
      },
    });
    await renderEntityCard(<SloCard />, { entity: makeEntity({}), api });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(screen.getAllByText(/drillbook\.dev\/service-id/).length).toBeGreaterThan(0);
    expect(called).toBe(false);
  });

  it('shows a readable message, not a crash, when the controller is down', async () => {
    const base = await closedPortUrl();
    const api = createDrillbookClient({ discoveryApi: { getBaseUrl: async id => `${base}/api/${id}` }, fetchApi: { fetch: (i, init) => fetch(i, init) } });
    await renderEntityCard(<SloCard />, { entity, api });
    expect(await screen.findByText(/Drillbook controller unreachable/)).toBeInTheDocument();
    expect(screen.getByText(/could not reach the Drillbook controller at http:\/\/127\.0\.0\.1:\d+\/api\/proxy\/drillbook\/api\/v1\/services\/recsys-reference/)).toBeInTheDocument();
  });

  it('shows attainment, budget left with its burn-down and the burn rate against the alert thresholds for each SLO', async () => {
    const api = makeFakeDrillbookApi({ getService: async id => makeService({ id }) });
    await renderEntityCard(<SloCard />, { entity, api });
    const availability = await screen.findByRole('region', { name: 'SLO Recommendations served successfully' });
    const slo = within(availability);
    expect(slo.getByText('objective 99.9% over 30 days')).toBeInTheDocument();
    expect(slo.getByLabelText('Attainment: 99.95%')).toBeInTheDocument();
    expect(slo.getByLabelText('Error budget left: 62%')).toBeInTheDocument();
    expect(slo.getByLabelText('Burn rate (5m): 0.80×')).toBeInTheDocument();
    expect(slo.getByRole('img', { name: /error budget burn-down .* 5 samples/ })).toHaveAttribute('data-points', '5');
    expect(slo.getByRole('img', { name: 'burn rate 0.80× over 5m; ticket at 3×, 1×; page at 14.4×, 6×' })).toBeInTheDocument();
    expect(slo.getByText('meeting objective')).toBeInTheDocument();
    expect(slo.getByTestId('data-source')).toHaveTextContent('Source: Prometheus · http://127.0.0.1:9099');

    const latency = within(screen.getByRole('region', { name: 'SLO p99 under 250 ms' }));
    expect(latency.getByLabelText('Burn rate (5m): 2.10×')).toBeInTheDocument();
    expect(latency.getByText('at risk')).toBeInTheDocument();
  });

  it('shows a dash, never zero, for figures the source could not read', async () => {
    const slo = makeSlo({ attainment: null, errorBudgetRemaining: null, burnRate: null, burnRates: [], budgetHistory: [], source: { kind: 'none', at: '2025-11-20T10:00:00Z', detail: 'Prometheus unreachable' } });
    await renderEntityCard(<SloCard />, { entity, api: makeFakeDrillbookApi({ getService: async () => makeService({ slos: [slo] }) }) });
    expect(await screen.findByLabelText('Attainment: —')).toBeInTheDocument();
    expect(screen.getByLabelText('Error budget left: —')).toBeInTheDocument();
    expect(screen.getByText('no data')).toBeInTheDocument();
    expect(screen.getByTestId('data-source')).toHaveTextContent('no data source · Prometheus unreachable');
  });
});
