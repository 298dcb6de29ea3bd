import type { Approval, CalendarResponse, DrillSummary, ResilienceSample } from '@drillbook/contracts';

export interface CalendarQuery {
  service?: string;
  /** ISO 8601; default now (controller clock). */
  from?: string;
  /** ISO 8601; default 14 days after `from`. */
  to?: string;
}

/** Game days on a schedule (`/calendar`, `/approvals`, `/resilience`), whoever hosts the client. */
export interface GameDaysApi {
  /** Upcoming scheduled runs (with the blackout each falls in), blackout windows, pending approvals, recent regressions. */
  gameDayCalendar(query?: CalendarQuery): Promise<CalendarResponse>;
  /** Approve a pending drill (approver or admin, not the requester); the drill starts. */
  approveDrill(approvalId: string): Promise<{ approval: Approval; drill: DrillSummary }>;
  rejectDrill(approvalId: string, reason?: string): Promise<Approval>;
  /** The service's resilience score now and its history (oldest first). */
  resilience(serviceId: string): Promise<{ current: ResilienceSample; history: ResilienceSample[] }>;
}
