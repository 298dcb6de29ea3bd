import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Approval, CalendarResponse, WhoAmI } from '@drillbook/contracts';
import { GameDayCalendar, type CalendarApi } from './GameDayCalendar';

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
  blackouts: [{ id: 'b1', name: 'Winter sale', start: '2026-12-09T00:00:00.000Z', end: '2026-12-11T00:00:00.000Z', reason: 'peak traffic', createdBy: 'root', createdAt: '2026-12-01T00:00:00.000Z' }],
  approvals: [approval],
  regressions: [{ drillId: 'd9', service: 'recsys-reference', runbook: 'zone-outage', at: '2026-12-06T00:00:00.000Z', regressed: true, reasons: ['score 40 is 50 below the recent median 90 (tolerance 10)'], comparedWith: ['d1'] }],
};

function fakeApi(role: WhoAmI['role']): CalendarApi & { approveDrill: ReturnType<typeof vi.fn> } {
  return {
    me: async () => ({ subject: 'bob', role, services: ['*'] }),
    listServices: async () => [{ id: 'recsys-reference' }] as never,
    gameDayCalendar: async () => calendar,
    resilience: async (service) => ({ current: { service, at: '2026-12-07T00:00:00.000Z', score: 72.5, runbooks: [] }, history: [70, 80, 72.5].map((score) => ({ service, at: 'x', score, runbooks: [] })) }),
    approveDrill: vi.fn(async () => ({ approval: { ...approval, state: 'approved' as const }, drill: {} as never })),
    rejectDrill: vi.fn(async () => ({ ...approval, state: 'rejected' as const })),
  };
}

describe('GameDayCalendar', () => {
  it('shows upcoming runs (marking the one in a blackout), the blackout, the pending approval, the resilience score and a regression badge', async () => {
    render(<GameDayCalendar api={fakeApi('approver')} />);
    const root = await screen.findByTestId('drillbook-calendar');
    await waitFor(() => expect(root).toHaveTextContent('blackout: Winter sale'));
    expect(root).toHaveTextContent('replica-crash on recsys-reference, requested by alice');
    expect(root).toHaveTextContent('score 72.5');
    expect(root).toHaveTextContent('regressed: zone-outage');
    expect(screen.getAllByTestId('drillbook-calendar-day')).toHaveLength(2);
  });

  it('lets an approver approve a pending drill', async () => {
    const api = fakeApi('approver');
    render(<GameDayCalendar api={api} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    expect(api.approveDrill).toHaveBeenCalledWith('apr-1');
  });

  it('shows a viewer no decision buttons', async () => {
    render(<GameDayCalendar api={fakeApi('viewer')} />);
    expect(await screen.findByText(/an approver decides \(your token: viewer\)/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });
});
