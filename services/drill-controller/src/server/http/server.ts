/**
 * The controller's HTTP server: CORS (off unless origins are configured), bearer authentication,
 * routing, and one error shape (`{error, field?}`) for every failure.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { bearerToken } from '@drillbook/contracts/http';
import { ApiError } from '../errors.js';
import type { App } from '../app.js';
import type { NewAuditEntry } from '../../store/types.js';
import { remoteOf, sendError, sendJson } from './io.js';
import { ROUTES } from './routes.js';
import { resolveOnBehalf } from '../auth/onBehalf.js';
import type { Principal } from '../auth/tokens.js';

function cors(app: App, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  const allowed = app.config.cors.origins;
  if (!origin || !allowed.length || !(allowed.includes('*') || allowed.includes(origin))) return false;
  res.setHeader('access-control-allow-origin', allowed.includes('*') ? '*' : origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'location');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'access-control-allow-methods': 'GET, POST, DELETE', 'access-control-allow-headers': 'authorization, content-type, last-event-id', 'access-control-max-age': '600' });
    res.end();
    return true;
  }
  return false;
}

const decode = (v: string) => {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
};

const audit = (app: App, entry: NewAuditEntry): Promise<void> => app.access.record(entry);

export function createHttpServer(app: App): Server {
  const server = createServer((req, res) => {
    void handle(app, req, res).catch((e) => {
      app.log(`request ${req.method} ${JSON.stringify(req.url)} failed: ${(e as Error).stack}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

async function handle(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (cors(app, req, res)) return;
  const started = performance.now();
  let route = 'unmatched';
  const observe = () => app.metrics.http.observe({ method: req.method ?? 'GET', route, status: String(res.statusCode) }, (performance.now() - started) / 1000);
  try {
    route = await dispatch(app, req, res, (r) => (route = r));
  } finally {
    if (res.headersSent && !res.writableEnded && res.getHeader('content-type')?.toString().startsWith('text/event-stream')) observe();
    else if (res.writableFinished) observe();
    else res.once('finish', observe);
  }
}

/** The person a trusted front end acts for (auth/onBehalf.ts); an untrusted on-behalf header is audited and refused with 403. */
async function onBehalf(app: App, token: Principal, req: IncomingMessage, route: (typeof ROUTES)[number], path: string, remote: string | null): Promise<Principal> {
  try {
    return resolveOnBehalf(token, req.headers, app.config.grants ?? []);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      await audit(app, { subject: token.subject, role: token.role, action: actionOf(route.method, route.template), target: path.slice(0, 300), outcome: 'denied', detail: `403: ${e.message}`, remote });
      throw Object.assign(e, { audited: true });
    }
    throw e;
  }
}

/** What an audit row calls a refused request: the API action for state changes, else the method and route. */
function actionOf(method: string, template: string): string {
  const known: Record<string, string> = {
    'POST /api/v1/drills': 'drill.start',
    'POST /api/v1/drills/{id}/abort': 'drill.abort',
    'POST /api/v1/emergency-stop': 'emergency-stop.engage',
    'DELETE /api/v1/emergency-stop': 'emergency-stop.release',
    'GET /api/v1/audit': 'audit.read',
  };
  return known[`${method} ${template}`] ?? `${method} ${template}`;
}

/**
 * The request-target as a URL, or null when it is malformed (`//[/x`, `http://[/x`, a port of 99999):
 * origin-form targets are always read as a path, never as a host (`//x` is the path `//x`).
 */
function parseTarget(raw: string | undefined): URL | null {
  const target = raw ?? '/';
  // "[" and "]" only belong in a host (RFC 3986), never in an origin-form path or query.
  if (target.startsWith('/') && /[[\]]/.test(target)) return null;
  try {
    return target.startsWith('/') ? new URL(`http://controller${target}`) : new URL(target);
  } catch {
    return null;
  }
}

async function dispatch(app: App, req: IncomingMessage, res: ServerResponse, named: (route: string) => void): Promise<string> {
  const url = parseTarget(req.url);
  if (!url) {
    sendError(res, new ApiError(400, 'malformed request-target', '(request-target)'));
    return 'unmatched';
  }
  const path = url.pathname.replace(/\/+$/, '') || '/';
  let match: { route: (typeof ROUTES)[number]; params: Record<string, string> } | null = null;
  const methods: string[] = [];
  for (const route of ROUTES) {
    const m = route.path.exec(path);
    if (!m) continue;
    methods.push(route.method);
    if (route.method === req.method) {
      match = { route, params: Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decode(v)])) };
      break;
    }
  }
  try {
    if (!match) {
      if (methods.length) throw Object.assign(new ApiError(405, `${req.method} is not allowed on ${path} (allowed: ${methods.join(', ')})`), { allow: methods.join(', ') });
      throw new ApiError(404, `no route ${req.method} ${path}`);
    }
    const { route, params } = match;
    named(route.template);
    const remote = remoteOf(req, app.config.trustProxy);
    let who = app.tokens.authenticate(req.headers.authorization);
    if (!who && (route.auth === 'token' || (route.auth === 'metrics' && !app.config.metrics.public))) {
      const h = req.headers.authorization;
      const why = !h ? 'missing bearer token (Authorization: Bearer <token>)' : bearerToken(h) !== null ? 'unknown bearer token' : 'malformed Authorization header (expected "Bearer <token>")';
      await audit(app, { subject: 'anonymous', role: 'none', action: actionOf(route.method, route.template), target: path.slice(0, 300), outcome: 'denied', detail: `401: ${why}`, remote });
      throw Object.assign(new ApiError(401, why), { audited: true });
    }
    if (who) who = await onBehalf(app, who, req, route, path, remote);
    who ??= { subject: 'anonymous', role: 'viewer', services: [] };
    const actor = { ...who, remote };
    try {
      await route.handle(app, { req, res, params, query: url.searchParams, who: actor });
    } catch (e) {
      if (e instanceof ApiError && e.status === 403 && !e.audited) {
        await audit(app, { subject: actor.subject, role: actor.role, action: actionOf(route.method, route.template), target: path.slice(0, 300), outcome: 'denied', detail: `403: ${e.message}`, remote });
      }
      throw e;
    }
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (res.headersSent) {
      res.end();
      return match?.route.template ?? 'unmatched';
    }
    if ((e as ApiError & { allow?: string }).allow) res.setHeader('allow', (e as ApiError & { allow?: string }).allow!);
    sendError(res, e);
  }
  return match?.route.template ?? 'unmatched';
}
