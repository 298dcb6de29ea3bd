import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../__fixtures__/renderApp';
import { TEST_IDS } from '../constants';

const live = 'drills/drl_live_0002';

describe('FollowDrillPage', () => {
  it('shows phases, load progress and events live, then the scorecard with a report link through the proxy', async () => {
    renderApp(live, { liveDrill: true, eventDelayMs: 30 });
    expect(await screen.findByTestId(TEST_IDS.follow.progress)).toHaveTextContent(/requests\s*\d+/);
    expect(await screen.findByTestId(TEST_IDS.scorecard.score, {}, { timeout: 5000 })).toHaveTextContent('95');
    // live load figures give way to the scorecard once the drill has ended
    expect(screen.queryByTestId(TEST_IDS.follow.progress)).not.toBeInTheDocument();
    expect(screen.getByText('Detected').closest('[role="status"], div')).toHaveTextContent('alert DrillbookReplicaDown firing after 42s');
    expect(screen.getByTestId(TEST_IDS.follow.events)).toHaveTextContent('alert DrillbookReplicaDown firing after 42s');
    expect(screen.getByTestId(TEST_IDS.follow.state)).toHaveTextContent('passed');
    const report = screen.getAllByRole('link', { name: /HTML report/ })[0];
    expect(report).toHaveAttribute('href', '/api/plugin-proxy/drillbook-gameday-app/api/drills/drl_live_0002/report');
    expect(screen.queryByTestId(TEST_IDS.follow.abort)).not.toBeInTheDocument();
  });

  it('aborts a running drill after confirmation with the reason, and shows it aborted', async () => {
    const user = userEvent.setup({ delay: null });
    const app = renderApp(live, { liveDrill: true, eventDelayMs: 40 });
    await user.click(await screen.findByTestId(TEST_IDS.follow.abort));
    await user.type(await screen.findByLabelText('Abort reason'), 'wrong window');
    await user.click(screen.getByRole('button', { name: 'Abort now' }));
    await waitFor(() => expect(app.fake.state.aborted.has('drl_live_0002')).toBe(true));
    expect(app.fake.calls.find((c) => c.path.endsWith('/abort'))?.body).toEqual({ reason: 'wrong window' });
    expect(await screen.findByText('drill aborted: load stopped, faults cleared, rollback ran', {}, { timeout: 5000 })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId(TEST_IDS.follow.state)).toHaveTextContent('aborted'));
    expect(screen.queryByTestId(TEST_IDS.follow.abort)).not.toBeInTheDocument();
  });

  it("shows the controller's refusal when the app token may not abort", async () => {
    const user = userEvent.setup({ delay: null });
    const app = renderApp(live, { liveDrill: true, eventDelayMs: 200, tokenRole: 'viewer' });
    await user.click(await screen.findByTestId(TEST_IDS.follow.abort));
    await user.click(await screen.findByRole('button', { name: 'Abort now' }));
    expect(await screen.findByText('The controller refused to abort the drill')).toBeInTheDocument();
    expect(screen.getByText(/role viewer may not abort drills/)).toBeInTheDocument();
    expect(app.fake.state.aborted.size).toBe(0);
  });

  it("shows Grafana's refusal when the user's Grafana role may not abort", async () => {
    const user = userEvent.setup({ delay: null });
    const app = renderApp(live, { liveDrill: true, eventDelayMs: 200, grafanaRole: 'Viewer' });
    await user.click(await screen.findByTestId(TEST_IDS.follow.abort));
    await user.click(await screen.findByRole('button', { name: 'Abort now' }));
    expect(await screen.findByText('Your Grafana role may not abort the drill')).toBeInTheDocument();
  });

  it('says the drill is unknown when the controller has no such drill', async () => {
    renderApp('drills/drl_nope');
    expect(await screen.findByText('Could not load the drill: not found')).toBeInTheDocument();
    expect(screen.getByText('unknown drill "drl_nope"')).toBeInTheDocument();
  });
});
