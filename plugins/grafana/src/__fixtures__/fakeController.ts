/**
 * A fake drill controller behind a fake Grafana plugin proxy, as a `fetch` function. It enforces the
 * route roles declared in plugin.json (Grafana's side) and the token role (controller's side), and
 * answers from the recorded responses in `controller/`. Used by the page tests and the browser harness.
 */
import type { DrillEvent, DrillSummary, Role, StartDrillRequest } from '@drillbook/contracts';
import { API_PREFIX } from '@drillbook/contracts';
import pluginJson from '../plugin.json';
import { PROXY_BASE } from '../constants';
import { fixtures } from './fixtures';

export type GrafanaRole = 'Viewer' | 'Editor' | 'Admin';

export interface FakeControllerOptions {
  /** Replaces the drill history (default: the recorded fixtures). */
  drills?: (recorded: DrillSummary[]) => DrillSummary[];
  /** Role of the controller token configured in the app (controller-side permission). */
  tokenRole?: Role;
  /** The Grafana login the controller answers for (a token marked onBehalfOf: grafana with send_user_header); role and services then are that person's. */
  person?: { login: string; services?: string[] };
  /** Org role of the Grafana user (checked against the routes' reqRole, as Grafana's plugin proxy does). */
  grafanaRole?: GrafanaRole;
  emergencyStop?: boolean;
  /** Services that already run a drill (POST /drills answers 409). */
  busyServices?: string[];
  /** Delay between streamed events; 0 streams them all at once. */
  eventDelayMs?: number;
  /** Stop streaming after this many events (no `end`), to exercise reconnection. */
  dropStreamAfter?: number;
  /** Start with the live drill `drl_live_0002` already running (as if launched before the page opened). */
  liveDrill?: boolean;
  /** Simulate an unreachable controller (Grafana's proxy answers 502). */
  unreachable?: boolean;
}

export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

const ROLE_RANK: Record<GrafanaRole, number> = { Viewer: 1, Editor: 2, Admin: 3 };
const LIVE_ID = 'drl_live_0002';

export function createFakeController(options: FakeControllerOptions = {}) {
  const tokenRole: Role = options.tokenRole ?? 'operator';
  const grafanaRole: GrafanaRole = options.grafanaRole ?? 'Editor';
  const calls: RecordedCall[] = [];
  const state = {
    emergency: options.emergencyStop ?? false,
    busy: new Set(options.busyServices ?? []),
    drills: options.drills ? options.drills(fixtures.drills()) : fixtures.drills(),
    aborted: new Set<string>(),
    started: options.liveDrill ?? false,
    finished: false,
    abortReason: null as string | null,
  };

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const apiError = (status: number, error: string, field?: string) => json(status, field ? { error, field } : { error });

  function grafanaRouteCheck(method: string): Response | null {
    const route = pluginJson.routes.find((r) => r.method === method);
    if (!route) {
      return json(404, { message: 'plugin route match not found' });
    }
    if (ROLE_RANK[grafanaRole] < ROLE_RANK[route.reqRole as GrafanaRole]) {
      return json(403, { message: 'plugin proxy route access denied' });
    }
    return null;
  }

  function canOperate(): boolean {
    return tokenRole === 'operator' || tokenRole === 'admin';
  }

  function liveSummary(): DrillSummary {
    const passed = fixtures.scorecardPassed();
    const aborted = state.aborted.has(LIVE_ID);
    if (state.finished && !aborted) {
      return { ...passed.drill, id: LIVE_ID, reportUrl: `${API_PREFIX}/drills/${LIVE_ID}/report` };
    }
    return {
      ...passed.drill,
      id: LIVE_ID,
      state: aborted ? 'aborted' : 'running',
      createdAt: '2025-11-23T10:00:00.000Z',
      startedAt: '2025-11-23T10:00:02.000Z',
      endedAt: aborted ? '2025-11-23T10:00:40.000Z' : null,
      currentPhase: aborted ? null : 'method',
      score: null,
      timeToRecoverS: null,
      errorBudgetConsumed: null,
      ndcgRatio: null,
      statusReason: aborted ? `aborted by API call from the Grafana app: "${state.abortReason ?? 'no reason given'}"` : null,
      reportUrl: aborted ? `${API_PREFIX}/drills/${LIVE_ID}/report` : null,
    };
  }

  /** What the controller scores for a drill aborted from the API before its fault phase. */
  function abortedScorecard(drillId: string) {
    const sc = fixtures.scorecardPassed().scorecard;
    const reason = state.abortReason ?? 'no reason given';
    return {
      ...sc,
      drillId,
      status: 'aborted' as const,
      score: 0,
      statusReason: `aborted by API call from the Grafana app before the fault phase: "${reason}"`,
      abort: { source: 'api', reason, atS: 12 },
      timeToDetectS: null,
      detectedBy: null,
      timeToRecoverS: null,
      objectives: sc.objectives.map((o) => ({
        ...o,
        measured: null,
        verdict: 'no-data' as const,
        credit: 0,
        contribution: 0,
        explanation: 'the drill was aborted before this objective could be measured: no credit.',
      })),
    };
  }

  function abortEvents(drillId: string, lastSeq: number): DrillEvent[] {
    const at = new Date().toISOString();
    return [
      { seq: lastSeq + 1, drillId, at, type: 'state', message: 'drill aborted: load stopped, faults cleared, rollback ran', data: { status: 'aborted' } },
      { seq: lastSeq + 2, drillId, at, type: 'end', message: 'stream ends' },
    ];
  }

  /**
   * Streams the recorded events after `afterSeq`. An abort (API call) cuts the recording short with
   * the aborted state and `end`, as the controller does; `dropStreamAfter` closes the connection early.
   */
  function eventStream(drillId: string, afterSeq: number): Response {
    const recorded: DrillEvent[] = fixtures.eventsPassed().map((e) => ({ ...e, drillId }));
    let abortBase: number | null = null;
    let lastSeq = afterSeq;
    let sent = 0;
    let closed = false;
    const encoder = new TextEncoder();
    const delay = options.eventDelayMs ?? 0;
    const nextEvent = (): DrillEvent | null => {
      if (state.aborted.has(drillId)) {
        abortBase ??= lastSeq;
        const tail = abortEvents(drillId, abortBase);
        return tail.find((e) => e.seq > lastSeq) ?? null;
      }
      return recorded.find((e) => e.seq > lastSeq) ?? null;
    };
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (closed) {
          return;
        }
        if (delay > 0) {
          await new Promise((r) => setTimeout(r, delay));
        }
        const next = options.dropStreamAfter !== undefined && sent >= options.dropStreamAfter ? null : nextEvent();
        if (!next) {
          closed = true;
          controller.close();
          return;
        }
        lastSeq = next.seq;
        sent++;
        if (next.type === 'end' && !state.aborted.has(drillId)) {
          state.finished = true;
          state.busy.delete(liveSummary().service);
        }
        controller.enqueue(encoder.encode(`id: ${next.seq}\nevent: ${next.type}\ndata: ${JSON.stringify(next)}\n\n`));
      },
      cancel() {
        closed = true;
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' } });
  }

  async function handle(method: string, path: string, query: URLSearchParams, body: unknown, headers: Headers): Promise<Response> {
    const seg = path.split('/').filter(Boolean);
    if (method === 'GET' && path === '/me') {
      if (options.person) {
        const services = tokenRole === 'viewer' ? [] : (options.person.services ?? ['*']);
        return json(200, { subject: `${options.person.login} via grafana`, role: tokenRole, services, person: `grafana:${options.person.login}`, groups: [`grafana:role/${grafanaRole}`], via: 'grafana' });
      }
      return json(200, tokenRole === 'viewer' ? fixtures.meViewer() : { ...fixtures.meOperator(), role: tokenRole });
    }
    if (method === 'GET' && path === '/services') {
      const items = fixtures.services().map((s) => (canOperate() ? s : { ...s, permissions: { launch: false, abort: false } }));
      return json(200, { items });
    }
    if (method === 'GET' && seg[0] === 'services' && seg[2] === 'scorecards' && seg.length === 3) {
      const service = decodeURIComponent(seg[1]);
      if (!fixtures.services().some((s) => s.id === service)) {
        return apiError(404, `unknown service "${service}"`);
      }
      const all = [fixtures.scorecardFailed(), fixtures.scorecardPassed()].filter((sc) => sc.drill.service === service);
      const limit = Number(query.get('limit') ?? '50');
      return json(200, { items: all.slice(0, limit) });
    }
    if (method === 'GET' && path === '/runbooks') {
      return json(200, { items: fixtures.runbooks() });
    }
    if (method === 'GET' && path === '/emergency-stop') {
      return json(200, state.emergency ? { active: true, reason: 'game day paused', since: '2025-11-23T09:00:00.000Z', by: 'admin' } : fixtures.emergencyStopOff());
    }
    if (method === 'POST' && path === '/emergency-stop') {
      if (!canOperate()) {
        return apiError(403, `role ${tokenRole} may not trigger the emergency stop`);
      }
      state.emergency = true;
      const reason = (body as { reason?: string } | null)?.reason ?? null;
      return json(200, { active: true, reason, since: '2025-11-23T10:05:00.000Z', by: 'grafana-app' });
    }
    if (seg[0] === 'drills') {
      if (method === 'GET' && seg.length === 1) {
        const service = query.get('service');
        const list = state.started ? [liveSummary(), ...state.drills] : state.drills;
        return json(200, { items: service ? list.filter((d) => d.service === service) : list });
      }
      if (method === 'POST' && seg.length === 1) {
        return startDrill(body as Partial<StartDrillRequest> | null);
      }
      const id = decodeURIComponent(seg[1] ?? '');
      const known = id === LIVE_ID && state.started ? liveSummary() : state.drills.find((d) => d.id === id);
      if (!known) {
        return apiError(404, `unknown drill "${id}"`);
      }
      if (method === 'GET' && seg.length === 2) {
        return json(200, known);
      }
      if (method === 'GET' && seg[2] === 'events') {
        const last = Number(headers.get('Last-Event-ID') ?? '0');
        return eventStream(id, Number.isFinite(last) ? last : 0);
      }
      if (method === 'POST' && seg[2] === 'abort') {
        if (!canOperate()) {
          return apiError(403, `role ${tokenRole} may not abort drills`);
        }
        if (known.state !== 'running' && known.state !== 'queued') {
          return apiError(409, `drill ${id} is not running (state ${known.state})`);
        }
        state.aborted.add(id);
        state.abortReason = (body as { reason?: string } | null)?.reason ?? null;
        state.busy.delete(known.service);
        return json(202, liveSummary());
      }
      if (method === 'GET' && seg[2] === 'scorecard') {
        if (id === LIVE_ID) {
          const sc = fixtures.scorecardPassed();
          if (state.aborted.has(id)) {
            return json(200, { drill: liveSummary(), scorecard: abortedScorecard(id) });
          }
          return state.finished ? json(200, { drill: liveSummary(), scorecard: { ...sc.scorecard, drillId: id } }) : apiError(404, `drill ${id} has no scorecard yet`);
        }
        const sc = [fixtures.scorecardPassed(), fixtures.scorecardFailed()].find((s) => s.drill.id === id);
        return sc ? json(200, sc) : apiError(404, `drill ${id} has no scorecard`);
      }
      if (method === 'GET' && seg[2] === 'report') {
        return new Response(`<!doctype html><title>Drill ${id}</title><h1>Drill ${id} report</h1>`, {
          status: 200,
          headers: { 'Content-Type': 'text/html' },
        });
      }
    }
    return apiError(404, `no route ${method} ${path} in the fake controller`);
  }

  function startDrill(req: Partial<StartDrillRequest> | null): Response {
    if (!req || typeof req.runbook !== 'string' || req.runbook === '') {
      return apiError(400, 'runbook is required', 'runbook');
    }
    const runbook = fixtures.runbooks().find((r) => r.name === req.runbook);
    if (!runbook) {
      return apiError(404, `unknown runbook "${req.runbook}"`, 'runbook');
    }
    const service = req.service ?? runbook.service;
    if (req.dryRun) {
      const plan = fixtures.dryRunPlan();
      return json(200, { ...plan, plan: { ...plan.plan, runbook: runbook.name, title: runbook.title, service } });
    }
    if (!canOperate()) {
      return apiError(403, `role ${tokenRole} may not start drills`);
    }
    if (state.emergency) {
      return apiError(423, 'emergency stop is active: new drills are refused');
    }
    if (state.busy.has(service)) {
      return apiError(409, `a drill is already running on ${service}`);
    }
    state.busy.add(service);
    state.aborted.delete(LIVE_ID);
    state.started = true;
    state.finished = false;
    const plan = fixtures.dryRunPlan();
    return json(202, { drill: { ...liveSummary(), runbook: runbook.name, service }, plan: plan.plan });
  }

  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://grafana.local');
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    let body: unknown = null;
    if (typeof init.body === 'string' && init.body !== '') {
      try {
        body = JSON.parse(init.body);
      } catch {
        return json(400, { error: 'request body is not JSON' });
      }
    }
    if (!url.pathname.startsWith(PROXY_BASE)) {
      return json(404, { message: 'Not found' });
    }
    const path = url.pathname.slice(PROXY_BASE.length) || '/';
    calls.push({ method, path: path + url.search, body, headers: Object.fromEntries(headers.entries()) });
    const denied = grafanaRouteCheck(method);
    if (denied) {
      return denied;
    }
    if (options.unreachable) {
      return json(502, { message: 'Bad Gateway' });
    }
    return handle(method, path, url.searchParams, body, headers);
  };

  return { fetch: fetchFn as typeof fetch, calls, state };
}
