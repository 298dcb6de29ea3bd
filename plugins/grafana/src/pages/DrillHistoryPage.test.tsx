import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../__fixtures__/renderApp';
import { TEST_IDS } from '../constants';

describe('DrillHistoryPage', () => {
  it('lists drills with state, score, recovery, budget and links to the scorecard and the report', async () => {
    renderApp('history');
    const rows = await screen.findAllByTestId(TEST_IDS.history.row);
    expect(rows).toHaveLength(3);
    const failed = rows[0];
    expect(failed).toHaveTextContent('zone-outage');
    expect(failed).toHaveTextContent('failed');
    expect(failed).toHaveTextContent('12.5');
    expect(failed).toHaveTextContent('0.680%');
    expect(within(failed).getByRole('link', { name: 'Scorecard' })).toHaveAttribute('href', '/a/drillbook-gameday-app/drills/drl_20251121_093000_c3d4');
    expect(within(failed).getByRole('link', { name: /Report/ })).toHaveAttribute(
      'href',
      '/api/plugin-proxy/drillbook-gameday-app/api/drills/drl_20251121_093000_c3d4/report'
    );
    expect(rows[1]).toHaveTextContent('18.4 s');
  });

  it('asks the controller for at most 100 drills', async () => {
    const { fake } = renderApp('history');
    await screen.findAllByTestId(TEST_IDS.history.row);
    await waitFor(() => expect(fake.calls.some((c) => c.path === '/drills?limit=100')).toBe(true));
  });
});
