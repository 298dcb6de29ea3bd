/**
 * OpenAPI paths and schemas of the game-day API (schedules, blackouts, approvals, notifications,
 * regressions, resilience, calendar), merged into `openApiDocument`. Shapes mirror `gameDays.ts`.
 */
import { NOTIFICATION_EVENTS } from './gameDays.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const nullable = (type: string) => ({ type: [type, 'null'] });
const items = (name: string) => json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref(name) } } });
const std = { '401': error('missing or unknown bearer token'), '403': error("the token's role does not allow this") };
const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const q = (name: string, schema: unknown = { type: 'string' }) => ({ name, in: 'query', schema });
const str = { type: 'string' } as const;
const time = { type: 'string', format: 'date-time' } as const;
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });

export const gameDayPaths = {
  '/schedules': {
    get: { summary: 'Drill schedules with their next runs', parameters: [q('service')], responses: { '200': items('Schedule'), ...std } },
    post: {
      summary: 'Create a schedule: cron expression + IANA time zone for a (runbook, service) (operator on that service)',
      requestBody: body('CreateScheduleRequest'),
      responses: { '201': json(ref('Schedule'), 'created'), '400': error('invalid field (named)'), '404': error('unknown runbook or service'), ...std },
    },
  },
  '/schedules/{scheduleId}': {
    get: { summary: 'One schedule', parameters: [idParam('scheduleId', 'schedule id')], responses: { '200': json(ref('Schedule')), '404': error('unknown schedule'), ...std } },
    delete: { summary: 'Delete a schedule (operator on its service)', parameters: [idParam('scheduleId', 'schedule id')], responses: { '200': json({ type: 'object' }), '404': error('unknown schedule'), ...std } },
  },
  '/schedules/{scheduleId}/pause': { post: { summary: 'Pause: occurrences are skipped until resumed', parameters: [idParam('scheduleId', 'schedule id')], responses: { '200': json(ref('Schedule')), '404': error('unknown schedule'), ...std } } },
  '/schedules/{scheduleId}/resume': { post: { summary: 'Resume from now (paused occurrences are not caught up)', parameters: [idParam('scheduleId', 'schedule id')], responses: { '200': json(ref('Schedule')), '404': error('unknown schedule'), ...std } } },
  '/schedules/{scheduleId}/runs': { get: { summary: "A schedule's runs: started, pending-approval, refused or missed", parameters: [idParam('scheduleId', 'schedule id'), q('state')], responses: { '200': items('ScheduledRun'), '404': error('unknown schedule'), ...std } } },
  '/scheduled-runs': { get: { summary: 'Runs of every schedule, newest first', parameters: [q('state'), q('limit', { type: 'integer' })], responses: { '200': items('ScheduledRun'), ...std } } },
  '/blackouts': {
    get: { summary: 'Blackout windows (global and per service)', parameters: [q('service')], responses: { '200': items('Blackout'), ...std } },
    post: {
      summary: 'Create a blackout window: a date range or a weekly window (admin for every service; operator for their service)',
      requestBody: body('CreateBlackoutRequest'),
      responses: { '201': json(ref('Blackout'), 'created'), '400': error('invalid field (named)'), ...std },
    },
  },
  '/blackouts/{blackoutId}': { delete: { summary: 'Delete a blackout window', parameters: [idParam('blackoutId', 'blackout id')], responses: { '200': json({ type: 'object' }), '404': error('unknown blackout'), ...std } } },
  '/approvals': { get: { summary: 'Drill approvals, newest first', parameters: [q('state', { enum: ['pending-approval', 'approved', 'rejected', 'expired'] })], responses: { '200': items('Approval'), ...std } } },
  '/approvals/{approvalId}': { get: { summary: 'One approval', parameters: [idParam('approvalId', 'approval id')], responses: { '200': json(ref('Approval')), '404': error('unknown approval'), ...std } } },
  '/approvals/{approvalId}/approve': {
    post: {
      summary: 'Approve and start the drill (approver or admin, not the requester: two-person rule)',
      parameters: [idParam('approvalId', 'approval id')],
      responses: { '202': json({ type: 'object', required: ['approval', 'drill'], properties: { approval: ref('Approval'), drill: ref('DrillSummary') } }, 'approved; the drill started'), '403': error('not an approver, or the requester (two-person rule)'), '409': error('not pending (approved, rejected, expired) or a drill is running'), '423': error('inside a blackout window or emergency stop'), '401': std['401'] },
    },
  },
  '/approvals/{approvalId}/reject': {
    post: { summary: 'Reject (approver or admin, not the requester)', parameters: [idParam('approvalId', 'approval id')], requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { reason: str } } } } }, responses: { '200': json(ref('Approval')), '409': error('not pending'), ...std } },
  },
  '/notifications': { get: { summary: 'Notification deliveries and their state (pending, delivered, failed), newest first', parameters: [q('drill'), q('limit', { type: 'integer' })], responses: { '200': items('NotificationDelivery'), ...std } } },
  '/regressions': { get: { summary: 'Each scored drill compared with its recent passed history', parameters: [q('service')], responses: { '200': items('Regression'), ...std } } },
  '/resilience/{serviceId}': {
    get: {
      summary: 'Resilience score of a service now and its history',
      parameters: [idParam('serviceId', 'catalogue service id')],
      responses: { '200': json({ type: 'object', required: ['current', 'history'], properties: { current: ref('ResilienceSample'), history: { type: 'array', items: ref('ResilienceSample') } } }), '404': error('unknown service'), ...std },
    },
  },
  '/calendar': {
    get: {
      summary: 'Game-day calendar: upcoming scheduled runs (with the blackout they fall in), blackout windows, pending approvals, recent regressions',
      parameters: [q('from', time), q('to', time), q('service')],
      responses: { '200': json(ref('CalendarResponse')), '400': error('bad from/to'), ...std },
    },
  },
} as const;

const weekly = { type: 'object', required: ['days', 'from', 'to', 'timeZone'], properties: { days: { type: 'array', items: { enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } }, from: { type: 'string', pattern: '^\\d\\d:\\d\\d$' }, to: { type: 'string', pattern: '^\\d\\d:\\d\\d$' }, timeZone: str } };
const approval = {
  type: 'object',
  required: ['id', 'runbook', 'service', 'quick', 'state', 'requestedBy', 'requestedAt', 'expiresAt', 'scheduleId', 'decidedBy', 'decidedAt', 'reason', 'drillId'],
  properties: {
    id: str, runbook: str, service: str, quick: { type: 'boolean' }, state: { enum: ['pending-approval', 'approved', 'rejected', 'expired'] }, requestedBy: str, requestedAt: time, expiresAt: time,
    scheduleId: nullable('string'), decidedBy: nullable('string'), decidedAt: nullable('string'), reason: nullable('string'), drillId: nullable('string'),
  },
};
const resilience = {
  type: 'object',
  required: ['service', 'at', 'score', 'runbooks'],
  properties: { service: str, at: time, score: nullable('number'), runbooks: { type: 'array', items: { type: 'object', properties: { runbook: str, score: { type: 'number' }, lastRunAt: time, weight: { type: 'number' } } } } },
};
const regression = { type: 'object', required: ['drillId', 'service', 'runbook', 'at', 'regressed', 'reasons', 'comparedWith'], properties: { drillId: str, service: str, runbook: str, at: time, regressed: { type: 'boolean' }, reasons: { type: 'array', items: str }, comparedWith: { type: 'array', items: str } } };
const blackout = { type: 'object', required: ['id', 'name', 'createdBy', 'createdAt'], properties: { id: str, name: str, service: str, start: time, end: time, weekly, reason: str, createdBy: str, createdAt: time } };

export const gameDaySchemas = {
  Schedule: {
    type: 'object',
    required: ['id', 'runbook', 'service', 'cron', 'timeZone', 'quick', 'paused', 'createdBy', 'createdAt', 'consideredUntil', 'nextRuns'],
    properties: { id: str, runbook: str, service: str, cron: str, timeZone: str, quick: { type: 'boolean' }, paused: { type: 'boolean' }, createdBy: str, createdAt: time, consideredUntil: time, nextRuns: { type: 'array', items: time } },
  },
  CreateScheduleRequest: { type: 'object', additionalProperties: false, required: ['runbook', 'cron'], properties: { runbook: str, service: str, cron: str, timeZone: str, quick: { type: 'boolean' }, paused: { type: 'boolean' } } },
  ScheduledRun: {
    type: 'object',
    required: ['id', 'scheduleId', 'runbook', 'service', 'dueAt', 'recordedAt', 'state', 'drillId', 'approvalId', 'reason'],
    properties: { id: str, scheduleId: str, runbook: str, service: str, dueAt: time, recordedAt: time, state: { enum: ['started', 'pending-approval', 'refused', 'missed'] }, drillId: nullable('string'), approvalId: nullable('string'), reason: nullable('string') },
  },
  Blackout: blackout,
  CreateBlackoutRequest: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: str, service: str, start: time, end: time, weekly, reason: str } },
  Approval: approval,
  NotificationDelivery: {
    type: 'object',
    required: ['id', 'receiver', 'kind', 'event', 'service', 'runbook', 'drillId', 'state', 'attempts', 'lastStatus', 'lastError', 'createdAt', 'deliveredAt', 'nextAttemptAt'],
    properties: {
      id: str, receiver: str, kind: { enum: ['alertmanager', 'slack', 'webhook'] }, event: { enum: [...NOTIFICATION_EVENTS] }, service: str, runbook: str, drillId: nullable('string'), state: { enum: ['pending', 'delivered', 'failed'] },
      attempts: { type: 'integer' }, lastStatus: nullable('integer'), lastError: nullable('string'), createdAt: time, deliveredAt: nullable('string'), nextAttemptAt: nullable('string'),
    },
  },
  Regression: regression,
  ResilienceSample: resilience,
  CalendarResponse: {
    type: 'object',
    required: ['from', 'to', 'upcoming', 'blackouts', 'approvals', 'regressions'],
    properties: {
      from: time, to: time,
      upcoming: { type: 'array', items: { type: 'object', required: ['scheduleId', 'runbook', 'service', 'at', 'blackout'], properties: { scheduleId: str, runbook: str, service: str, at: time, blackout: nullable('string') } } },
      blackouts: { type: 'array', items: ref('Blackout') },
      approvals: { type: 'array', items: ref('Approval') },
      regressions: { type: 'array', items: ref('Regression') },
    },
  },
} as const;
