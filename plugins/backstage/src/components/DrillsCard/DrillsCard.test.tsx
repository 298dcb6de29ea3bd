import React from 'react';
import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DrillbookApi } from '../../drillbookApi';
import { DrillbookApiError } from '@drillbook/client';
import { DrillsCard } from './DrillsCard';
import { makeEntity } from '../../__fixtures__/entities';
import { makeFakeDrillbookApi, pending } from '../../__fixtures__/fakeApi';
import { makeDrill, makeEvent, makePlan, makeRunbook, makeService, makeWhoAmI } from '../../__fixtures__/controller';
import { renderEntityCard } from '../../testing/render';
import { makeScorecard } from '../../__fixtures__/scorecard';
import type { Scorecard } from '@drillbook/contracts';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PermissionApi } from '@backstage/plugin-permission-react';

const entity = makeEntity({ serviceId: 'recsys-reference' });
const runbooks = [
  makeRunbook(),
  makeRunbook({ name: 'gpu-saturation', title: 'Accelerator saturation', hypothesis: 'Saturating the accelerator degrades gracefully', faults: ['accelerator-saturation'] }),
  makeRunbook({ name: 'other-service-drill', service: 'another-service' }),
];

/** A followDrill that emits `events` and then stays connected until the view stops following. */
function streaming(events: ReturnType<typeof makeEvent>[]): DrillbookApi['followDrill'] {
  return async (_id, { onEvent, signal }) => {
    for (const e of events) onEvent(e);
    await new Promise(resolve => signal?.addEventListener('abort', resolve));
    return 'cancelled';
  };
}

describe('DrillsCard', () => {
  it('shows a progress bar while loading', async () => {
    await renderEntityCard(<DrillsCard />, { entity, api: makeFakeDrillbookApi({ listDrills: () => pending() }) });
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('explains that the annotation is missing', async () => {
    await renderEntityCard(<DrillsCard />, { entity: makeEntity({}), api: makeFakeDrillbookApi() });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
  });

  it('shows a readable message when the controller is down', async () => {
    const down = async () => {
      throw DrillbookApiError.network('GET', 'http://localhost:7007/api/proxy/drillbook/api/v1/drills?service=recsys-reference', new TypeError('Failed to fetch'));
    };
    await renderEntityCard(<DrillsCard />, { entity, api: makeFakeDrillbookApi({ listDrills: down, getService: down }) });
    expect(await screen.findByText(/Drillbook controller unreachable/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Launch drill' })).not.toBeInTheDocument();
  });

  it('lists the drill history with who launched it, status, score, recovery time, budget burned, quality impact and the report', async () => {
    const user = userEvent.setup();
    const drills = [
      makeDrill({ id: 'drl_02', requestedBy: 'user:default/alice via backstage', state: 'failed', score: 48, timeToRecoverS: 95, timeToDetectS: 62, errorBudgetConsumed: 0.081, ndcgRatio: 0.88, statusReason: 'availability 99.1% < 99.9%', reportUrl: '/api/v1/drills/drl_02/report' }),
      makeDrill(),
      makeDrill({ id: 'drl_00', state: 'aborted', score: null, timeToRecoverS: null, errorBudgetConsumed: null, ndcgRatio: null, reportUrl: null }),
    ];
    const getReportHtml = vi.fn(async () => '<html><body><h1>Scorecard drl_02</h1></body></html>');
    const listDrills = vi.fn(async () => drills);
    await renderEntityCard(<DrillsCard />, { entity, api: makeFakeDrillbookApi({ listDrills, getReportHtml }) });

    const table = within(await screen.findByRole('table', { name: 'drill history' }));
    const rows = table.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    const failed = within(rows[0]);
    expect(failed.getByText('user:default/alice via backstage')).toBeInTheDocument();
    expect(within(rows[1]).getByText('operator@example.com')).toBeInTheDocument();
    expect(failed.getByText('failed')).toBeInTheDocument();
    expect(failed.getByText('availability 99.1% < 99.9%')).toBeInTheDocument();
    expect(failed.getByText('48')).toBeInTheDocument();
    expect(failed.getByText('1m 35s')).toBeInTheDocument();
    expect(failed.getByText('1m 2s')).toBeInTheDocument(); // time to detect (62 s)
    expect(failed.getByText('8.1%')).toBeInTheDocument();
    expect(failed.getByText('-12.0% NDCG@10')).toBeInTheDocument();
    expect(within(rows[1]).getByText('14.5s')).toBeInTheDocument();
    expect(within(rows[2]).queryByRole('button', { name: /open report/ })).not.toBeInTheDocument();
    expect(listDrills).toHaveBeenCalledWith({ service: 'recsys-reference', limit: 20 });

    expect(screen.getByLabelText('latest drill score 92')).toBeInTheDocument();
    expect(screen.getByText(/\(\+21 vs previous\)/)).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'drill score trend over 2 drills' })).toHaveAttribute('data-points', '2');

    await user.click(failed.getByRole('button', { name: 'open report of drill drl_02' }));
    const frame = await screen.findByTitle('drill report drl_02');
    expect(frame).toHaveAttribute('srcdoc', '<html><body><h1>Scorecard drl_02</h1></body></html>');
    expect(getReportHtml).toHaveBeenCalledWith(expect.objectContaining({ id: 'drl_02', reportUrl: '/api/v1/drills/drl_02/report' }));
  });

  it("shows a failed drill's recommended actions above its report, each linking its on-call section", async () => {
    const user = userEvent.setup();
    const drills = [makeDrill({ id: 'drl_02', state: 'failed', score: 48, reportUrl: '/api/v1/drills/drl_02/report' })];
    const objectives = [{ name: 'no failed requests', sli: 'failed_requests', verdict: 'missed' }, { name: 'p99', sli: 'latency_p99_ms', verdict: 'met' }] as unknown as Scorecard['objectives'];
    const getScorecard = vi.fn(async () => ({ drill: drills[0], scorecard: makeScorecard({ objectives }) }));
    await renderEntityCard(<DrillsCard />, { entity, api: makeFakeDrillbookApi({ listDrills: async () => drills, getReportHtml: async () => '<html></html>', getScorecard }) });
    const table = within(await screen.findByRole('table', { name: 'drill history' }));
    await user.click(table.getByRole('button', { name: 'open report of drill drl_02' }));
    const actions = within(await screen.findByTestId('drillbook-recommended-actions'));
    expect(actions.getByText(/clients saw failed requests \(no failed requests\)/)).toBeInTheDocument();
    const links = actions.getAllByRole('link');
    expect(links.length).toBeGreaterThan(0);
    expect(links[0]).toHaveAttribute('href', 'https://drillbook.example.com/runbooks/on-call.md#recsysupstreamdown');
    expect(getScorecard).toHaveBeenCalledWith('drl_02');
  });

  it("draws the drill's alert timeline above its report, from one fetch of the scorecard", async () => {
    const user = userEvent.setup();
    const drills = [makeDrill({ id: 'drl_02', reportUrl: '/api/v1/drills/drl_02/report' })];
    const getScorecard = vi.fn(async () => ({ drill: drills[0], scorecard: makeScorecard() }));
    await renderEntityCard(<DrillsCard />, { entity, api: makeFakeDrillbookApi({ listDrills: async () => drills, getReportHtml: async () => '<html></html>', getScorecard }) });
    const table = within(await screen.findByRole('table', { name: 'drill history' }));
    await user.click(table.getByRole('button', { name: 'open report of drill drl_02' }));
    const dialog = within(await screen.findByRole('dialog'));
    const timeline = await dialog.findByTestId('drillbook-alert-timeline');
    const frame = await dialog.findByTitle('drill report drl_02');
    // Above the report: earlier in document order.
    expect(timeline.compareDocumentPosition(frame) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(timeline).getAllByTestId('alert-row').map(r => r.getAttribute('data-alert'))).toEqual(['RecsysUpstreamDown', 'RecsysFallbackRateHigh', 'RecsysLatencyHigh']);
    expect(within(timeline).getByText('Time to detect: 2.0 s after the fault, detected by alert RecsysUpstreamDown (page)')).toBeInTheDocument();
    expect(getScorecard).toHaveBeenCalledTimes(1);
  });

  it('shows inconclusive and invalid drills as warnings, not as failures, and follows neither', async () => {
    const followDrill = vi.fn(async () => 'ended' as const);
    const drills = [
      makeDrill({ id: 'drl_05', state: 'inconclusive' as ReturnType<typeof makeDrill>['state'], score: null, statusReason: 'p99 from 350 requests cannot decide <= 250 ms' }),
      makeDrill({ id: 'drl_04', state: 'invalid', score: null, statusReason: 'steady state not established' }),
      makeDrill({ id: 'drl_03', state: 'failed', score: 40 }),
    ];
    await renderEntityCard(<DrillsCard />, { entity, api: makeFakeDrillbookApi({ listDrills: async () => drills, followDrill }) });
    const rows = within(await screen.findByRole('table', { name: 'drill history' })).getAllByRole('row').slice(1);
    expect(within(rows[0]).getByText('inconclusive')).toBeInTheDocument();
    expect(within(rows[0]).getByTestId('status-warning')).toBeInTheDocument();
    expect(within(rows[0]).getByText('p99 from 350 requests cannot decide <= 250 ms')).toBeInTheDocument();
    expect(within(rows[1]).getByTestId('status-warning')).toBeInTheDocument();
    expect(within(rows[2]).getByTestId('status-error')).toBeInTheDocument();
    expect(followDrill).not.toHaveBeenCalled();
  });

  it('lets a token without launch permission plan a dry run but refuses to launch, and says why', async () => {
    const user = userEvent.setup();
    const startDrill = vi.fn<DrillbookApi['startDrill']>(async () => ({ drill: makeDrill({ id: 'dry-1', dryRun: true }), plan: makePlan() }));
    const api = makeFakeDrillbookApi({
      getService: async id => makeService({ id, permissions: { launch: false, abort: false } }),
      me: async () => makeWhoAmI({ subject: 'backstage-viewer', role: 'viewer', services: [] }),
      listRunbooks: async () => runbooks,
      startDrill,
    });
    await renderEntityCard(<DrillsCard />, { entity, api });
    expect(await screen.findByTestId('launch-refusal')).toHaveTextContent(
      'Your Drillbook token (backstage-viewer, role viewer) may not launch drills on recsys-reference. Dry runs are still possible.',
    );

    await user.click(screen.getByRole('button', { name: 'Launch drill' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByTestId('launch-blocked')).toHaveTextContent('may not launch drills on recsys-reference');
    await user.click(dialog.getByRole('button', { name: 'Plan (dry run)' }));
    expect(await dialog.findByTestId('drill-plan')).toBeInTheDocument();
    const confirm = dialog.getByRole('button', { name: 'Confirm and launch' });
    expect(confirm).toBeDisabled();
    await user.click(confirm).catch(() => undefined);
    expect(startDrill).toHaveBeenCalledTimes(1);
    expect(startDrill.mock.calls.every(([request]) => request.dryRun === true)).toBe(true);
  });

  it("disables launching with the reason when Backstage's permission policy denies it on this entity, and still allows a dry run", async () => {
    const user = userEvent.setup();
    const asked: Array<{ permission: string; resourceRef?: string }> = [];
    const permissionApi = {
      authorize: async (req: { permission: { name: string }; resourceRef?: string }) => {
        asked.push({ permission: req.permission.name, resourceRef: req.resourceRef });
        return { result: req.permission.name === 'drillbook.drill.launch' ? AuthorizeResult.DENY : AuthorizeResult.ALLOW };
      },
    } as unknown as PermissionApi;
    await renderEntityCard(<DrillsCard />, { entity, api: makeFakeDrillbookApi({ listRunbooks: async () => runbooks }), permissionApi });
    expect(await screen.findByTestId('launch-refusal')).toHaveTextContent(
      'You may not launch drills on component:default/recsys-reference (Backstage permission drillbook.drill.launch). Dry runs are still possible.',
    );
    expect(asked).toEqual(expect.arrayContaining([{ permission: 'drillbook.drill.launch', resourceRef: 'component:default/recsys-reference' }]));
    expect(screen.queryByRole('button', { name: 'Launch drill' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Plan a drill (dry run only)' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByRole('button', { name: 'Plan (dry run)' }));
    expect(await dialog.findByRole('button', { name: 'Confirm and launch' })).toBeDisabled();
  });

  it('names the person when the controller answers for one (through the backend plugin)', async () => {
    const api = makeFakeDrillbookApi({
      getService: async id => makeService({ id, permissions: { launch: false, abort: false } }),
      me: async () => makeWhoAmI({ subject: 'bob via backstage', role: 'viewer', services: [], person: 'user:default/bob', via: 'backstage' }),
      listRunbooks: async () => runbooks,
    });
    await renderEntityCard(<DrillsCard />, { entity, api });
    expect(await screen.findByTestId('launch-refusal')).toHaveTextContent('You (bob via backstage, Drillbook role viewer) may not launch drills on recsys-reference.');
  });

  it('refuses to launch while the emergency stop is active', async () => {
    const user = userEvent.setup();
    const api = makeFakeDrillbookApi({
      listRunbooks: async () => runbooks,
      getEmergencyStop: async () => ({ active: true, reason: 'checkout incident', since: '2025-11-20T09:00:00Z', by: 'oncall' }),
    });
    await renderEntityCard(<DrillsCard />, { entity, api });
    expect(await screen.findByTestId('launch-refusal')).toHaveTextContent(
      'Emergency stop is active (set by oncall at 2025-11-20 09:00:00Z): checkout incident. No drill can start until an admin releases it.',
    );
    await user.click(screen.getByRole('button', { name: 'Launch drill' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByRole('button', { name: 'Plan (dry run)' }));
    expect(await dialog.findByRole('button', { name: 'Confirm and launch' })).toBeDisabled();
  });

  it('says nothing was started when the runbook only allows dry runs', async () => {
    const user = userEvent.setup();
    const followDrill = vi.fn();
    const api = makeFakeDrillbookApi({
      listRunbooks: async () => runbooks,
      startDrill: async () => ({
        drill: makeDrill({ id: 'dry-2', dryRun: true, state: 'passed', statusReason: 'dry run (the runbook sets guardrails.dryRun): plan only, nothing touched' }),
        plan: makePlan(),
      }),
      followDrill,
    });
    await renderEntityCard(<DrillsCard />, { entity, api });
    await user.click(await screen.findByRole('button', { name: 'Launch drill' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByRole('button', { name: 'Plan (dry run)' }));
    await user.click(await dialog.findByRole('button', { name: 'Confirm and launch' }));
    expect(await dialog.findByTestId('not-started')).toHaveTextContent('Nothing was started: dry run (the runbook sets guardrails.dryRun)');
    expect(screen.queryByLabelText(/live drill/)).not.toBeInTheDocument();
    expect(followDrill).not.toHaveBeenCalled();
  });

  it('shows the dry-run plan before anything starts, then launches on confirm and follows the drill live with an abort button', async () => {
    const user = userEvent.setup();
    const plan = makePlan({ runbook: 'gpu-saturation', title: 'Accelerator saturation', hypothesis: 'Saturating the accelerator degrades gracefully' });
    const startDrill = vi.fn<DrillbookApi['startDrill']>(async request =>
      request.dryRun
        ? { drill: makeDrill({ id: 'dry_1', dryRun: true, state: 'passed' }), plan }
        : { drill: makeDrill({ id: 'drl_live', runbook: 'gpu-saturation', state: 'queued', score: null }), plan },
    );
    const abortDrill = vi.fn(async (id: string) => makeDrill({ id, state: 'aborted' }));
    const followDrill = vi.fn(
      streaming([
        makeEvent(1, { drillId: 'drl_live', type: 'state', message: 'drill running', data: { status: 'running' } }),
        makeEvent(2, { drillId: 'drl_live', type: 'phase', phase: 'method', message: 'method under load' }),
        makeEvent(3, { drillId: 'drl_live', type: 'progress', phase: 'method', message: 'load', data: { elapsedS: 30, remainingS: 90, loadPhase: 'fault', rps: 19.5, errors: 2, p99Ms: 180 } }),
      ]),
    );
    const api = makeFakeDrillbookApi({ listRunbooks: async () => runbooks, startDrill, abortDrill, followDrill });
    await renderEntityCard(<DrillsCard />, { entity, api });

    await user.click(await screen.findByRole('button', { name: 'Launch drill' }));
    const dialog = within(await screen.findByRole('dialog'));
    const select = dialog.getByLabelText('Runbook');
    expect(within(select).getAllByRole('option').map(o => o.getAttribute('value'))).toEqual(['replica-crash', 'gpu-saturation']);
    await user.selectOptions(select, 'gpu-saturation');
    expect(dialog.queryByRole('button', { name: 'Confirm and launch' })).not.toBeInTheDocument();

    await user.click(dialog.getByRole('button', { name: 'Plan (dry run)' }));
    expect(await dialog.findByTestId('drill-plan')).toBeInTheDocument();
    expect(startDrill).toHaveBeenCalledTimes(1);
    expect(startDrill).toHaveBeenLastCalledWith({ runbook: 'gpu-saturation', service: 'recsys-reference', dryRun: true, quick: false });
    expect(dialog.getByText('Dry-run plan: nothing has been touched yet')).toBeInTheDocument();
    expect(dialog.getByText(/Saturating the accelerator degrades gracefully/)).toBeInTheDocument();
    expect(within(dialog.getByRole('table', { name: 'planned actions' })).getByText('crash replica')).toBeInTheDocument();
    expect(within(dialog.getByRole('table', { name: 'planned rollback' })).getByText('clear faults')).toBeInTheDocument();
    expect(dialog.getByText('abort when availability < 0.95 for 30s')).toBeInTheDocument();

    await user.click(dialog.getByRole('button', { name: 'Confirm and launch' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(startDrill).toHaveBeenCalledTimes(2);
    expect(startDrill).toHaveBeenLastCalledWith({ runbook: 'gpu-saturation', service: 'recsys-reference', quick: false });

    const live = within(await screen.findByLabelText('live drill drl_live'));
    expect(await live.findByText(/\[progress\] load/)).toBeInTheDocument();
    expect(live.getByTestId('live-figures')).toHaveTextContent('elapsed 30s · remaining 1m 30s · load phase fault · 19.5 req/s · 2 errors · p99 180 ms');
    expect(live.getByText('running')).toBeInTheDocument();
    expect(followDrill).toHaveBeenCalledWith('drl_live', expect.objectContaining({ signal: expect.any(AbortSignal) }));

    await user.click(live.getByRole('button', { name: 'Abort drill' }));
    expect(abortDrill).toHaveBeenCalledWith('drl_live', 'aborted from Backstage');
    expect(await live.findByRole('button', { name: 'Abort requested' })).toBeDisabled();
  });

  it('shows the controller refusal of a dry run and offers no confirm button', async () => {
    const user = userEvent.setup();
    const api = makeFakeDrillbookApi({
      listRunbooks: async () => runbooks,
      startDrill: async () => {
        throw new Error('runbook "replica-crash" is invalid: steps[2].fault.type unknown');
      },
    });
    await renderEntityCard(<DrillsCard />, { entity, api });
    await user.click(await screen.findByRole('button', { name: 'Launch drill' }));
    const dialog = within(await screen.findByRole('dialog'));
    await user.click(dialog.getByRole('button', { name: 'Plan (dry run)' }));
    expect(await dialog.findByText(/steps\[2\]\.fault\.type unknown/)).toBeInTheDocument();
    expect(dialog.queryByTestId('drill-plan')).not.toBeInTheDocument();
    expect(dialog.queryByRole('button', { name: 'Confirm and launch' })).not.toBeInTheDocument();
  });

  it('follows a drill that is already running when the page opens', async () => {
    const api = makeFakeDrillbookApi({
      listDrills: async () => [makeDrill({ id: 'drl_run', state: 'running', score: null, endedAt: null })],
      followDrill: streaming([makeEvent(7, { drillId: 'drl_run', type: 'phase', phase: 'steady-state-after', message: 'checking recovery' })]),
    });
    await renderEntityCard(<DrillsCard />, { entity, api });
    const live = within(await screen.findByLabelText('live drill drl_run'));
    expect(await live.findByText(/checking recovery/)).toBeInTheDocument();
    expect(screen.getByTestId('launch-refusal')).toHaveTextContent('Drill drl_run is already running on recsys-reference.');
  });
});
