import React from 'react';
import { describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Approval, CalendarResponse } from '@drillbook/contracts';
import type { DrillbookApi, GameDaysApi } from '@drillbook/client';
import { EntityGameDayCalendarCard } from './GameDayCalendar';
import { makeEntity } from '../../__fixtures__/entities';
import { makeFakeDrillbookApi } from '../../__fixtures__/fakeApi';
import { makeWhoAmI } from '../../__fixtures__/controller';
import { renderEntityCard } from '../../testing/render';

const entity = makeEntity({ serviceId: 'recsys-reference' });
const approval: Approval = {
  id: 'apr-1', runbook: 'replica-crash', service: 'recsys-reference', quick: true, state: 'pending-approval', requestedBy: 'alice', requestedAt: '2026-12-07T09:00:00.000Z',
  expiresAt: '2026-12-07T10:00:00.000Z', scheduleId: null, decidedBy: null, decidedAt: null, reason: null, drillId: null,
};
const calendar: CalendarResponse = {
  from: '2026-12-07T00:00:00.000Z',
  to: '2026-12-21T00:00:00.000Z',
  upcoming: [
    { scheduleId: 's1', runbook: 'replica-crash', service: 'recsys-reference', at: '2026-12-08T02:00:00.000Z', blackout: null },
    { scheduleId: 's1', runbook: 'replica-crash', service: 'recsys-reference', at: '2026-12-10T02:00:00.000Z', blackout: 'Winter sale' },
  ],
  blackouts: [{ id: 'b1', name: 'Winter sale', start: '2026-12-09T00:00:00.000Z', end: '2026-12-11T00:00:00.000Z', createdBy: 'root', createdAt: '2026-12-01T00:00:00.000Z' }],
  approvals: [approval],
  regressions: [{ drillId: 'd9', service: 'recsys-reference', runbook: 'zone-outage', at: '2026-12-06T00:00:00.000Z', regressed: true, reasons: ['objective "availability" is newly missed'], comparedWith: ['d1'] }],
};

function api(role: 'approver' | 'viewer') {
  const game: GameDaysApi = {
    gameDayCalendar: vi.fn(async () => calendar),
    resilience: async service => ({ current: { service, at: 'x', score: 72.5, runbooks: [] }, history: [70, 80].map(score => ({ service, at: 'x', score, runbooks: [] })) }),
    approveDrill: vi.fn(async () => ({ approval: { ...approval, state: 'approved' as const }, drill: {} as never })),
    rejectDrill: vi.fn(async () => ({ ...approval, state: 'rejected' as const })),
  };
  return Object.assign(makeFakeDrillbookApi({ me: async () => makeWhoAmI({ role: role as never }) }), game) as DrillbookApi & GameDaysApi;
}

describe('EntityGameDayCalendarCard', () => {
  it("shows the service's upcoming runs with the blackout mark, the pending approval, resilience and regression, and lets an approver approve", async () => {
    const a = api('approver');
    await renderEntityCard(<EntityGameDayCalendarCard />, { entity, api: a });
    const root = await screen.findByTestId('drillbook-calendar');
    expect(a.gameDayCalendar).toHaveBeenCalledWith({ service: 'recsys-reference' });
    expect(root).toHaveTextContent('blackout: Winter sale');
    expect(root).toHaveTextContent('replica-crash on recsys-reference, requested by alice');
    expect(root).toHaveTextContent('score 72.5');
    expect(root).toHaveTextContent('regressed: zone-outage');
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(a.approveDrill).toHaveBeenCalledWith('apr-1'));
  });

  it('offers a viewer no approve or reject', async () => {
    await renderEntityCard(<EntityGameDayCalendarCard />, { entity, api: api('viewer') });
    expect(await screen.findByText(/an approver decides \(your token: viewer\)/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });
});
