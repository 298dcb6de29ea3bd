/**
 * Game days on a schedule: the wire shapes of schedules, blackout windows, approvals,
 * notification deliveries, regressions and the resilience score (`/api/v1/schedules`,
 * `/api/v1/blackouts`, `/api/v1/approvals`, `/api/v1/notifications`, `/api/v1/resilience`).
 */

export interface Schedule {
  id: string;
  runbook: string;
  service: string;
  /** Five- or six-field cron expression (croner syntax). */
  cron: string;
  /** IANA time zone the cron expression is read in, e.g. `Europe/Berlin`. */
  timeZone: string;
  quick: boolean;
  paused: boolean;
  createdBy: string;
  createdAt: string;
  /** Occurrences up to this instant have been handled (fired, refused or recorded missed). */
  consideredUntil: string;
}

export interface ScheduleView extends Schedule {
  /** The next occurrences (none while paused). */
  nextRuns: string[];
}

export interface CreateScheduleRequest {
  runbook: string;
  service?: string;
  cron: string;
  timeZone?: string;
  quick?: boolean;
  paused?: boolean;
}

export type ScheduledRunState = 'started' | 'pending-approval' | 'refused' | 'missed';

export interface ScheduledRun {
  id: string;
  scheduleId: string;
  runbook: string;
  service: string;
  dueAt: string;
  recordedAt: string;
  state: ScheduledRunState;
  drillId: string | null;
  approvalId: string | null;
  reason: string | null;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface Blackout {
  id: string;
  name: string;
  /** Absent: every service. */
  service?: string;
  /** A date range: [start, end) as ISO 8601 instants. */
  start?: string;
  end?: string;
  /** A weekly window: these days, from `from` to `to` (HH:MM, `to` may pass midnight) in `timeZone`. */
  weekly?: { days: Weekday[]; from: string; to: string; timeZone: string };
  reason?: string;
  createdBy: string;
  createdAt: string;
}

export type CreateBlackoutRequest = Omit<Blackout, 'id' | 'createdBy' | 'createdAt'>;

export type ApprovalState = 'pending-approval' | 'approved' | 'rejected' | 'expired';

export interface Approval {
  id: string;
  runbook: string;
  service: string;
  quick: boolean;
  state: ApprovalState;
  /** The person who asked (a schedule's runs: the schedule's creator). */
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  scheduleId: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  /** The drill started when it was approved. */
  drillId: string | null;
}

export type NotificationEvent = 'started' | 'passed' | 'failed' | 'aborted' | 'regressed' | 'missed' | 'pending-approval';
export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = ['started', 'passed', 'failed', 'aborted', 'regressed', 'missed', 'pending-approval'];

export type ReceiverKind = 'alertmanager' | 'slack' | 'webhook';

export interface NotificationDelivery {
  id: string;
  receiver: string;
  kind: ReceiverKind;
  event: NotificationEvent;
  service: string;
  runbook: string;
  drillId: string | null;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

export interface Regression {
  drillId: string;
  service: string;
  runbook: string;
  at: string;
  regressed: boolean;
  /** Human-readable reasons, e.g. `score 41 is 49 below the recent median 90 (tolerance 10)`. */
  reasons: string[];
  /** Drill ids the run was compared with. */
  comparedWith: string[];
}

export interface ResilienceSample {
  service: string;
  at: string;
  /** 0-100, or null when the service has no scored drill. */
  score: number | null;
  runbooks: Array<{ runbook: string; score: number; lastRunAt: string; weight: number }>;
}

export interface CalendarResponse {
  from: string;
  to: string;
  upcoming: Array<{ scheduleId: string; runbook: string; service: string; at: string; blackout: string | null }>;
  blackouts: Blackout[];
  approvals: Approval[];
  regressions: Regression[];
}
