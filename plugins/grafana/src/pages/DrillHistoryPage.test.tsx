import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DrillSummary } from '@drillbook/contracts';
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

  it('shows an inconclusive drill with the neutral badge invalid drills get', async () => {
    renderApp('history', {
      drills: (recorded) => [
        { ...recorded[1], id: 'drl_inc', state: 'inconclusive' as DrillSummary['state'], statusReason: 'p99 from 350 requests cannot decide <= 250 ms' },
        { ...recorded[1], id: 'drl_inv', state: 'invalid', statusReason: 'steady state not established' },
        ...recorded,
      ],
    });
    const rows = await screen.findAllByTestId(TEST_IDS.history.row);
    const badge = (row: HTMLElement, state: string) => within(row).getByText(state);
    const failedRow = rows.find((r) => within(r).queryByText('failed'))!;
    // Same colour and icon as invalid: a finished drill that says nothing about the service, not a failure.
    expect(badge(rows[0], 'inconclusive').className).toBe(badge(rows[1], 'invalid').className);
    expect(badge(rows[0], 'inconclusive').className).not.toBe(badge(failedRow, 'failed').className);
    expect(within(rows[0]).getByRole('link', { name: 'Scorecard' })).toHaveAttribute('href', '/a/drillbook-gameday-app/drills/drl_inc');
  });

  it('asks the controller for at most 100 drills', async () => {
    const { fake } = renderApp('history');
    await screen.findAllByTestId(TEST_IDS.history.row);
    await waitFor(() => expect(fake.calls.some((c) => c.path === '/drills?limit=100')).toBe(true));
  });
});
