/** The API's routes (`/api/v1`, described by the contract's OpenAPI document), plus /metrics and /healthz. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_PREFIX, DRILL_STATUSES, openApiDocument, type DrillState, type ScorecardResponse } from '@drillbook/contracts';
import { REPORT_HEADERS, renderReport } from '../../report/html.js';
import { ApiError } from '../errors.js';
import type { Actor } from '../auth/access.js';
import { parseAbortRequest, parseStartRequest } from '../drills/startRequest.js';
import { toSummary } from '../drills/summary.js';
import type { App } from '../app.js';
import { intParam, readJson, sendJson } from './io.js';
import { serviceSummary } from './catalogueView.js';
import { streamEvents } from './sse.js';
import { GAMEDAY_ROUTES } from '../../gameday/routes.js';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  who: Actor;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: RegExp;
  /** The path template, e.g. `/api/v1/drills/{id}` (the `route` label of the latency metric). */
  template: string;
  /** `public` routes need no token. */
  auth: 'token' | 'public' | 'metrics';
  handle(app: App, ctx: RouteContext): Promise<number>;
}

const STATES: readonly DrillState[] = ['queued', 'running', ...DRILL_STATUSES];
const p = (pattern: string) => ({ path: new RegExp(`^${pattern.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`), template: pattern });
const api = (pattern: string) => p(`${API_PREFIX}${pattern}`);

function service(app: App, id: string) {
  const s = app.config.services.find((x) => x.id === id);
  if (!s) throw new ApiError(404, `unknown service "${id}"`);
  return s;
}

async function drillOr404(app: App, id: string) {
  const d = await app.drills.get(id);
  if (!d) throw new ApiError(404, `unknown drill "${id}"`);
  return d;
}

export const ROUTES: Route[] = [
  { method: 'GET', ...api('/openapi.json'), auth: 'public', handle: async (_app, { res }) => (sendJson(res, 200, openApiDocument), 200) },
  { method: 'GET', ...p('/healthz'), auth: 'public', handle: async (app, { res }) => (sendJson(res, 200, { ok: true, store: app.store.kind, drillsRunning: app.drills.activeCount() }), 200) },
  {
    method: 'GET',
    ...p('/metrics'),
    auth: 'metrics',
    handle: async (app, { res }) => {
      const text = await app.metrics.text();
      res.writeHead(200, { 'content-type': app.metrics.contentType });
      res.end(text);
      return 200;
    },
  },
  { method: 'GET', ...api('/me'), auth: 'token', handle: async (_app, { res, who }) => (sendJson(res, 200, { subject: who.subject, role: who.role, services: who.services, ...(who.person ? { person: who.person, groups: who.groups ?? [], via: who.via } : {}) }), 200) },
  {
    method: 'GET',
    ...api('/services'),
    auth: 'token',
    handle: async (app, { res, who }) => (sendJson(res, 200, { items: app.config.services.map((s) => serviceSummary(s, app.catalogue, app.drills, who)) }), 200),
  },
  { method: 'GET', ...api('/services/{id}'), auth: 'token', handle: async (app, { res, who, params }) => (sendJson(res, 200, serviceSummary(service(app, params.id), app.catalogue, app.drills, who)), 200) },
  {
    method: 'GET',
    ...api('/services/{id}/scorecards'),
    auth: 'token',
    handle: async (app, { res, params, query }) => {
      service(app, params.id);
      const rows = await app.store.scorecards(params.id, intParam(query, 'limit', 1, 500) ?? 50);
      const items: ScorecardResponse[] = rows.map((r) => ({ drill: toSummary(r.drill), scorecard: r.scorecard }));
      sendJson(res, 200, { items });
      return 200;
    },
  },
  { method: 'GET', ...api('/runbooks'), auth: 'token', handle: async (app, { res }) => (sendJson(res, 200, { items: app.runbooks.list().map((l) => app.runbooks.summary(l)) }), 200) },
  {
    method: 'GET',
    ...api('/runbooks/{name}'),
    auth: 'token',
    handle: async (app, { res, params }) => {
      const l = app.runbooks.get(params.name);
      if (!l) throw new ApiError(404, `unknown runbook "${params.name}"`);
      sendJson(res, 200, { ...app.runbooks.summary(l), source: l.source });
      return 200;
    },
  },
  {
    method: 'GET',
    ...api('/drills'),
    auth: 'token',
    handle: async (app, { res, query }) => {
      const state = query.get('state') ?? undefined;
      if (state !== undefined && !STATES.includes(state as DrillState)) throw new ApiError(400, `state: expected one of ${STATES.join(', ')}, got ${JSON.stringify(state)}`, 'state');
      const svc = query.get('service') ?? undefined;
      const rows = await app.store.listDrills({ service: svc, state: state as DrillState | undefined, limit: intParam(query, 'limit', 1, 500) ?? 50 });
      const items = await Promise.all(rows.map(async (r) => (await app.drills.get(r.id)) ?? toSummary(r)));
      sendJson(res, 200, { items });
      return 200;
    },
  },
  {
    method: 'POST',
    ...api('/drills'),
    auth: 'token',
    handle: async (app, { req, res, who, query }) => {
      const body = parseStartRequest(await readJson(req));
      // Blackout windows (423 naming the window, admin override) and approvals (202 pending-approval).
      const held = await app.gameDays?.admit(body, who, { overrideBlackout: query.get('overrideBlackout') === 'true' });
      if (held) return (sendJson(res, held.status, held.body, { location: `${API_PREFIX}/approvals/${held.body.approval.id}` }), held.status);
      const r = await app.drills.start(body, who);
      sendJson(res, r.status, r.body, r.status === 202 ? { location: `${API_PREFIX}/drills/${encodeURIComponent(r.body.drill.id)}` } : {});
      return r.status;
    },
  },
  { method: 'GET', ...api('/drills/{id}'), auth: 'token', handle: async (app, { res, params }) => (sendJson(res, 200, await drillOr404(app, params.id)), 200) },
  { method: 'GET', ...api('/drills/{id}/events'), auth: 'token', handle: (app, { req, res, params, query }) => streamEvents(req, res, query, params.id, app.drills) },
  {
    method: 'POST',
    ...api('/drills/{id}/abort'),
    auth: 'token',
    handle: async (app, { req, res, params, who }) => {
      const body = parseAbortRequest(await readJson(req));
      sendJson(res, 202, await app.drills.abort(params.id, body.reason, who));
      return 202;
    },
  },
  {
    method: 'GET',
    ...api('/drills/{id}/scorecard'),
    auth: 'token',
    handle: async (app, { res, params }) => {
      const drill = await drillOr404(app, params.id);
      const scorecard = await app.store.getScorecard(params.id);
      if (!scorecard) throw new ApiError(404, `drill ${params.id} has no scorecard${drill.state === 'queued' || drill.state === 'running' ? ' yet: it is still running' : ''}`);
      sendJson(res, 200, { drill, scorecard } satisfies ScorecardResponse);
      return 200;
    },
  },
  {
    method: 'GET',
    ...api('/drills/{id}/journal'),
    auth: 'token',
    handle: async (app, { res, params }) => {
      await drillOr404(app, params.id);
      const j = await app.store.getJournal(params.id);
      if (!j) throw new ApiError(404, `drill ${params.id} has no journal yet`);
      sendJson(res, 200, j);
      return 200;
    },
  },
  {
    method: 'GET',
    ...api('/drills/{id}/report'),
    auth: 'token',
    handle: async (app, { res, params }) => {
      const drill = await drillOr404(app, params.id);
      const sc = await app.store.getScorecard(params.id);
      if (!sc) throw new ApiError(404, `drill ${params.id} has no report yet`);
      const html = renderReport(sc, { launchedBy: drill.requestedBy });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), ...REPORT_HEADERS });
      res.end(html);
      return 200;
    },
  },
  { method: 'GET', ...api('/emergency-stop'), auth: 'token', handle: async (app, { res }) => (sendJson(res, 200, app.drills.emergencyStop()), 200) },
  {
    method: 'POST',
    ...api('/emergency-stop'),
    auth: 'token',
    handle: async (app, { req, res, who }) => {
      const body = parseAbortRequest(await readJson(req));
      sendJson(res, 200, await app.drills.engageEmergencyStop(body.reason, who));
      return 200;
    },
  },
  { method: 'DELETE', ...api('/emergency-stop'), auth: 'token', handle: async (app, { res, who }) => (sendJson(res, 200, await app.drills.releaseEmergencyStop(who)), 200) },
  {
    method: 'GET',
    ...api('/audit'),
    auth: 'token',
    handle: async (app, { res, query, who }) => {
      if (who.role !== 'admin') throw new ApiError(403, 'only an admin may read the audit log');
      sendJson(res, 200, { items: await app.store.listAudit({ limit: intParam(query, 'limit', 1, 1000) ?? 100, action: query.get('action') ?? undefined }) });
      return 200;
    },
  },
  ...GAMEDAY_ROUTES,
];
