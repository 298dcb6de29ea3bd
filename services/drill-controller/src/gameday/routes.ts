/**
 * The game-day API: `/api/v1/schedules`, `/api/v1/blackouts`, `/api/v1/approvals`,
 * `/api/v1/notifications`, `/api/v1/regressions`, `/api/v1/resilience`, `/api/v1/calendar`.
 * Appended to the controller's routes; see the OpenAPI document for shapes.
 */
import { API_PREFIX } from '@drillbook/contracts';
import type { App } from '../server/app.js';
import { ApiError } from '../server/errors.js';
import type { Route } from '../server/http/routes.js';
import { intParam, readJson, sendJson } from '../server/http/io.js';
import type { GameDays } from './GameDays.js';

const api = (pattern: string) => ({ path: new RegExp(`^${`${API_PREFIX}${pattern}`.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`), template: `${API_PREFIX}${pattern}` });

export function gameDaysOf(app: App): GameDays {
  if (!app.gameDays) throw new ApiError(503, 'game days (schedules, blackouts, approvals) are not running in this controller');
  return app.gameDays;
}

const instant = (q: URLSearchParams, name: string, fallback: number): number => {
  const v = q.get(name);
  if (v === null) return fallback;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ApiError(400, `${name}: expected an ISO 8601 instant, got ${JSON.stringify(v)}`, name);
  return t;
};

const reasonOf = (body: unknown): string | undefined => {
  if (body === undefined) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, '(body): expected a JSON object', '(body)');
  const r = (body as { reason?: unknown }).reason;
  if (r !== undefined && typeof r !== 'string') throw new ApiError(400, 'reason: expected a string', 'reason');
  return r as string | undefined;
};

export const GAMEDAY_ROUTES: Route[] = [
  { method: 'GET', ...api('/schedules'), auth: 'token', handle: async (app, { res, query }) => (sendJson(res, 200, { items: gameDaysOf(app).listSchedules(query.get('service') ?? undefined) }), 200) },
  {
    method: 'POST',
    ...api('/schedules'),
    auth: 'token',
    handle: async (app, { req, res, who }) => {
      const s = await gameDaysOf(app).createSchedule(await readJson(req), who);
      sendJson(res, 201, s, { location: `${API_PREFIX}/schedules/${s.id}` });
      return 201;
    },
  },
  { method: 'GET', ...api('/schedules/{id}'), auth: 'token', handle: async (app, { res, params }) => (sendJson(res, 200, gameDaysOf(app).schedule(params.id)), 200) },
  { method: 'DELETE', ...api('/schedules/{id}'), auth: 'token', handle: async (app, { res, params, who }) => (await gameDaysOf(app).deleteSchedule(params.id, who), sendJson(res, 200, { deleted: params.id }), 200) },
  { method: 'POST', ...api('/schedules/{id}/pause'), auth: 'token', handle: async (app, { res, params, who }) => (sendJson(res, 200, await gameDaysOf(app).setPaused(params.id, true, who)), 200) },
  { method: 'POST', ...api('/schedules/{id}/resume'), auth: 'token', handle: async (app, { res, params, who }) => (sendJson(res, 200, await gameDaysOf(app).setPaused(params.id, false, who)), 200) },
  {
    method: 'GET',
    ...api('/schedules/{id}/runs'),
    auth: 'token',
    handle: async (app, { res, params, query }) => {
      const g = gameDaysOf(app);
      g.schedule(params.id);
      sendJson(res, 200, { items: await g.runs({ scheduleId: params.id, state: query.get('state') ?? undefined, limit: intParam(query, 'limit', 1, 1000) }) });
      return 200;
    },
  },
  { method: 'GET', ...api('/scheduled-runs'), auth: 'token', handle: async (app, { res, query }) => (sendJson(res, 200, { items: await gameDaysOf(app).runs({ state: query.get('state') ?? undefined, limit: intParam(query, 'limit', 1, 1000) }) }), 200) },
  { method: 'GET', ...api('/blackouts'), auth: 'token', handle: async (app, { res, query }) => (sendJson(res, 200, { items: gameDaysOf(app).listBlackouts(query.get('service') ?? undefined) }), 200) },
  {
    method: 'POST',
    ...api('/blackouts'),
    auth: 'token',
    handle: async (app, { req, res, who }) => {
      const b = await gameDaysOf(app).createBlackout(await readJson(req), who);
      sendJson(res, 201, b, { location: `${API_PREFIX}/blackouts/${b.id}` });
      return 201;
    },
  },
  { method: 'DELETE', ...api('/blackouts/{id}'), auth: 'token', handle: async (app, { res, params, who }) => (await gameDaysOf(app).deleteBlackout(params.id, who), sendJson(res, 200, { deleted: params.id }), 200) },
  { method: 'GET', ...api('/approvals'), auth: 'token', handle: async (app, { res, query }) => (sendJson(res, 200, { items: gameDaysOf(app).listApprovals(query.get('state') ?? undefined) }), 200) },
  { method: 'GET', ...api('/approvals/{id}'), auth: 'token', handle: async (app, { res, params }) => (sendJson(res, 200, gameDaysOf(app).approval(params.id)), 200) },
  {
    method: 'POST',
    ...api('/approvals/{id}/approve'),
    auth: 'token',
    handle: async (app, { res, params, who }) => {
      const r = await gameDaysOf(app).approve(params.id, who);
      sendJson(res, 202, r, { location: `${API_PREFIX}/drills/${encodeURIComponent(r.drill.id)}` });
      return 202;
    },
  },
  { method: 'POST', ...api('/approvals/{id}/reject'), auth: 'token', handle: async (app, { req, res, params, who }) => (sendJson(res, 200, await gameDaysOf(app).reject(params.id, who, reasonOf(await readJson(req)))), 200) },
  {
    method: 'GET',
    ...api('/notifications'),
    auth: 'token',
    handle: async (app, { res, query }) => (sendJson(res, 200, { items: await gameDaysOf(app).notifications({ drillId: query.get('drill') ?? undefined, limit: intParam(query, 'limit', 1, 1000) }) }), 200),
  },
  { method: 'GET', ...api('/regressions'), auth: 'token', handle: async (app, { res, query }) => (sendJson(res, 200, { items: await gameDaysOf(app).regressions(query.get('service') ?? undefined) }), 200) },
  {
    method: 'GET',
    ...api('/resilience/{service}'),
    auth: 'token',
    handle: async (app, { res, params }) => {
      if (!app.config.services.some((s) => s.id === params.service)) throw new ApiError(404, `unknown service "${params.service}"`);
      sendJson(res, 200, await gameDaysOf(app).resilience(params.service));
      return 200;
    },
  },
  {
    method: 'GET',
    ...api('/calendar'),
    auth: 'token',
    handle: async (app, { res, query }) => {
      const g = gameDaysOf(app);
      const from = instant(query, 'from', g.clockNow());
      const to = instant(query, 'to', from + 14 * 86_400_000);
      if (to <= from) throw new ApiError(400, 'to: must be after from', 'to');
      if (to - from > 92 * 86_400_000) throw new ApiError(400, 'to: at most 92 days after from', 'to');
      sendJson(res, 200, await g.calendar(from, to, query.get('service') ?? undefined));
      return 200;
    },
  },
];
