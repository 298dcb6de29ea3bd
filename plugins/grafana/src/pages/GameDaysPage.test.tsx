import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '@grafana/runtime';
import { renderApp } from '../__fixtures__/renderApp';
import { TEST_IDS, prefixRoute } from '../constants';

const bootData = config.bootData as unknown as { user: { orgRole?: string } };
afterEach(() => {
  delete bootData.user.orgRole;
});

const serviceCard = async (title: string) => (await screen.findAllByTestId(TEST_IDS.gameDays.service)).find((s) => s.getAttribute('aria-label') === title)!;
const launchButton = (card: HTMLElement, runbook: string) => within(card).getByRole('button', { name: `Launch ${runbook}` });

describe('GameDaysPage', () => {
  it('lists each service with its SLO budget, last drill and runbooks', async () => {
    renderApp('gamedays');
    const card = await serviceCard('Reference recommender');
    expect(card).toHaveTextContent('3/3 replicas ready');
    expect(card).toHaveTextContent('Availability 99.9%');
    expect(card).toHaveTextContent('budget left 62%');
    expect(card).toHaveTextContent('burn 0.70×');
    expect(card).toHaveTextContent('zone-outage · score 12.5');
    expect(within(card).getAllByRole('button', { name: /^Launch / })).toHaveLength(3);
    expect(screen.getByText(/Controller token:/)).toHaveTextContent('operator (grafana-app)');
    const canary = await serviceCard('Recommender canary');
    expect(canary).toHaveTextContent('no runbooks target this service');
  });

  it('launches a drill: dry-run plan first, the real start only after typing the service id, then follows it live', async () => {
    const user = userEvent.setup({ delay: null });
    const { fake, path } = renderApp('gamedays');
    await user.click(launchButton(await serviceCard('Reference recommender'), 'replica-crash'));

    const plan = await screen.findByTestId(TEST_IDS.launch.plan);
    expect(plan).toHaveTextContent('kill one replica in zone a');
    expect(plan).toHaveTextContent('→ r1');
    expect(plan).toHaveTextContent('restart killed replica');
    expect(plan).toHaveTextContent('6,000 requests over 120 s');
    expect(fake.calls.filter((c) => c.method === 'POST')).toEqual([
      expect.objectContaining({ path: '/drills', body: { runbook: 'replica-crash', service: 'recsys-reference', dryRun: true, quick: false } }),
    ]);

    const start = screen.getByTestId(TEST_IDS.launch.start);
    expect(start).toBeDisabled();
    await user.type(screen.getByTestId(TEST_IDS.launch.confirmInput), 'recsys-canary');
    expect(start).toBeDisabled();
    await user.clear(screen.getByTestId(TEST_IDS.launch.confirmInput));
    await user.type(screen.getByTestId(TEST_IDS.launch.confirmInput), 'recsys-reference');
    expect(start).toBeEnabled();
    await user.click(start);

    await waitFor(() => expect(path()).toBe(prefixRoute('drills/drl_live_0002')));
    expect(fake.calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { runbook: 'replica-crash', service: 'recsys-reference', dryRun: true, quick: false },
      { runbook: 'replica-crash', service: 'recsys-reference', quick: false },
    ]);
    // follows the events to the end, then shows the scorecard
    expect(await screen.findByTestId(TEST_IDS.scorecard.score)).toHaveTextContent('95');
    expect(screen.getByTestId(TEST_IDS.follow.events)).toHaveTextContent('process.kill on r1');
    expect(screen.getByTestId(TEST_IDS.follow.state)).toHaveTextContent('passed');
  });

  it('asks for a new dry-run plan when the quick run is ticked, and starts the quick run', async () => {
    const user = userEvent.setup({ delay: null });
    const { fake, path } = renderApp('gamedays');
    await user.click(launchButton(await serviceCard('Reference recommender'), 'replica-crash'));
    await screen.findByTestId(TEST_IDS.launch.plan);
    await user.click(screen.getByText('Quick run'));
    await waitFor(() => expect(fake.calls.filter((c) => c.method === 'POST')).toHaveLength(2));
    await screen.findByTestId(TEST_IDS.launch.plan);
    await user.type(screen.getByTestId(TEST_IDS.launch.confirmInput), 'recsys-reference');
    await user.click(screen.getByTestId(TEST_IDS.launch.start));
    await waitFor(() => expect(path()).toBe(prefixRoute('drills/drl_live_0002')));
    expect(fake.calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { runbook: 'replica-crash', service: 'recsys-reference', dryRun: true, quick: false },
      { runbook: 'replica-crash', service: 'recsys-reference', dryRun: true, quick: true },
      { runbook: 'replica-crash', service: 'recsys-reference', quick: true },
    ]);
  });

  it("shows Grafana's refusal when the user's role may not use the POST route", async () => {
    const user = userEvent.setup({ delay: null });
    renderApp('gamedays', { grafanaRole: 'Viewer' });
    await user.click(launchButton(await serviceCard('Reference recommender'), 'replica-crash'));
    expect(await screen.findByText('Your Grafana role may not plan the drill')).toBeInTheDocument();
    expect(screen.getByText(/plugin proxy route access denied/)).toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.launch.start)).toBeDisabled();
  });

  it('disables launching up front when Grafana says the user is a Viewer', async () => {
    bootData.user.orgRole = 'Viewer';
    renderApp('gamedays', { grafanaRole: 'Viewer' });
    const button = launchButton(await serviceCard('Reference recommender'), 'replica-crash');
    expect(button).toBeDisabled();
    expect(screen.getByTestId(TEST_IDS.gameDays.emergencyStop)).toBeDisabled();
  });

  it('shows the signed-in person and what they may do when Grafana forwards the user', async () => {
    renderApp('gamedays', { person: { login: 'alice', services: ['recsys-reference'] } });
    await serviceCard('Reference recommender');
    expect(screen.getByTestId('drillbook-identity')).toHaveTextContent('Signed in as alice via grafana — Drillbook role operator: you may launch and abort drills on recsys-reference');
  });

  it('tells a person with a viewer grant why launching is disabled', async () => {
    renderApp('gamedays', { person: { login: 'victor' }, tokenRole: 'viewer' });
    const card = await serviceCard('Reference recommender');
    expect(launchButton(card, 'replica-crash')).toBeDisabled();
    expect(screen.getByTestId('drillbook-identity')).toHaveTextContent('Signed in as victor via grafana — Drillbook role viewer: you may follow drills and plan dry runs');
  });

  it('disables launching when the controller token is a viewer token and says why', async () => {
    renderApp('gamedays', { tokenRole: 'viewer' });
    const card = await serviceCard('Reference recommender');
    expect(launchButton(card, 'replica-crash')).toBeDisabled();
    expect(screen.getByText(/Controller token:/)).toHaveTextContent('read only: launching and aborting need an operator token');
  });

  it('shows the conflict when the service already runs a drill', async () => {
    const user = userEvent.setup({ delay: null });
    renderApp('gamedays', { busyServices: ['recsys-reference'] });
    await user.click(launchButton(await serviceCard('Reference recommender'), 'zone-outage'));
    await user.type(await screen.findByTestId(TEST_IDS.launch.confirmInput), 'recsys-reference');
    await user.click(screen.getByTestId(TEST_IDS.launch.start));
    expect(await screen.findByText('Could not launch the drill: conflict')).toBeInTheDocument();
    expect(screen.getByText('a drill is already running on recsys-reference')).toBeInTheDocument();
  });

  it('refuses launches while the emergency stop is active, and can trigger it', async () => {
    const user = userEvent.setup({ delay: null });
    const first = renderApp('gamedays', { emergencyStop: true });
    expect(await screen.findByText('Emergency stop is active')).toBeInTheDocument();
    expect(launchButton(await serviceCard('Reference recommender'), 'replica-crash')).toBeDisabled();
    first.unmount();

    const { fake } = renderApp('gamedays');
    await serviceCard('Reference recommender');
    await user.click(screen.getByTestId(TEST_IDS.gameDays.emergencyStop));
    await user.click(await screen.findByRole('button', { name: 'Stop everything' }));
    expect(await screen.findByText('Emergency stop is active')).toBeInTheDocument();
    expect(fake.state.emergency).toBe(true);
    expect(launchButton(await serviceCard('Reference recommender'), 'replica-crash')).toBeDisabled();
  });

  it('says the controller did not answer when the proxy gets no response, and retries', async () => {
    renderApp('gamedays', { unreachable: true });
    expect(await screen.findByText('The drill controller did not answer')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
