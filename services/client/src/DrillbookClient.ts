import type {
  API_PREFIX as CONTRACT_API_PREFIX,
  DrillEvent,
  DrillSummary,
  EmergencyStopState,
  RunbookSummary,
  ScorecardResponse,
  ServiceSummary,
  StartDrillRequest,
  StartDrillResponse,
  WhoAmI,
} from '@drillbook/contracts';
import type { DrillbookApi, FollowDrillOptions, FollowOutcome, ListDrillsQuery } from './DrillbookApi.js';
import type { CalendarQuery, GameDaysApi } from './GameDaysApi.js';
import type { Approval, CalendarResponse, ResilienceSample } from '@drillbook/contracts';
import { DrillbookApiError } from './errors.js';
import { SseParser, readSseStream } from './sse.js';

/** The contract's prefix, typed against it so a drift fails to compile without a runtime import. */
export const API_PREFIX: typeof CONTRACT_API_PREFIX = '/api/v1';

/** The API root of a controller reached directly: `http://127.0.0.1:7070` → `http://127.0.0.1:7070/api/v1`. */
export function controllerApiBase(controllerUrl: string): string {
  return `${controllerUrl.replace(/\/+$/, '')}${API_PREFIX}`;
}

/**
 * Where a drill's report lives relative to the API root, or null when it has none yet
 * (`reportUrl: null` stays null: no URL is invented for a drill that has not finished).
 * The controller sends "/api/v1/drills/<id>/report"; anything else maps to the drill's report route.
 */
export function reportPath(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): string | null {
  if (!drill.reportUrl) return null;
  if (drill.reportUrl.startsWith(`${API_PREFIX}/`)) return drill.reportUrl.slice(API_PREFIX.length);
  return `/drills/${encodeURIComponent(drill.id)}/report`;
}

export interface DrillbookClientOptions {
  /**
   * The controller's API root (where `/me` answers): `http://127.0.0.1:7070/api/v1`, or a proxy
   * route that stands for it. A function is called per request (Backstage resolves its proxy
   * through `discoveryApi`).
   */
  baseUrl: string | (() => Promise<string>);
  /** The host's fetch (Backstage `fetchApi.fetch` adds its token). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Headers sent with every request, e.g. `{ authorization: 'Bearer …' }` when no proxy adds one. */
  headers?: Record<string, string>;
  /** `credentials` of every request (Grafana: 'same-origin' so its session cookie goes along). */
  credentials?: RequestInit['credentials'];
  /** Wait before reconnecting a dropped event stream unless the server sent `retry:`. Default 1000 ms. */
  reconnectDelayMs?: number;
  /** Consecutive reconnects without a new event before `followDrill` gives up. Default 5. */
  maxReconnects?: number;
  /** How to wait between reconnects (tests may shorten it). Resolves early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Talks to the drill controller with the host's fetch; framework-free (browser and Node 20+). */
export class DrillbookClient implements DrillbookApi, GameDaysApi {
  readonly #baseUrl: string | (() => Promise<string>);
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;
  readonly #credentials: RequestInit['credentials'] | undefined;
  readonly #reconnectDelayMs: number;
  readonly #maxReconnects: number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: DrillbookClientOptions) {
    if (typeof options.baseUrl === 'string' && options.baseUrl.trim() === '') throw new Error('DrillbookClient: baseUrl is empty');
    this.#baseUrl = options.baseUrl;
    const hostFetch = options.fetch;
    this.#fetch = hostFetch ? (input, init) => hostFetch(input, init) : (input, init) => globalThis.fetch(input, init);
    this.#headers = options.headers ?? {};
    this.#credentials = options.credentials;
    this.#reconnectDelayMs = options.reconnectDelayMs ?? 1000;
    this.#maxReconnects = options.maxReconnects ?? 5;
    this.#sleep = options.sleep ?? sleep;
  }

  me(): Promise<WhoAmI> {
    return this.#api<WhoAmI>('/me');
  }

  async listServices(): Promise<ServiceSummary[]> {
    return (await this.#api<{ items: ServiceSummary[] }>('/services')).items;
  }

  getService(serviceId: string): Promise<ServiceSummary> {
    return this.#api<ServiceSummary>(`/services/${encodeURIComponent(serviceId)}`);
  }

  async listRunbooks(): Promise<RunbookSummary[]> {
    return (await this.#api<{ items: RunbookSummary[] }>('/runbooks')).items;
  }

  async listDrills(query: ListDrillsQuery = {}): Promise<DrillSummary[]> {
    const params = new URLSearchParams();
    if (query.service) params.set('service', query.service);
    if (query.state) params.set('state', query.state);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const qs = params.toString();
    return (await this.#api<{ items: DrillSummary[] }>(`/drills${qs ? `?${qs}` : ''}`)).items;
  }

  getDrill(drillId: string): Promise<DrillSummary> {
    return this.#api<DrillSummary>(`/drills/${encodeURIComponent(drillId)}`);
  }

  startDrill(request: StartDrillRequest): Promise<StartDrillResponse> {
    return this.#api<StartDrillResponse>('/drills', { method: 'POST', body: JSON.stringify(request) });
  }

  abortDrill(drillId: string, reason?: string): Promise<DrillSummary> {
    return this.#api<DrillSummary>(`/drills/${encodeURIComponent(drillId)}/abort`, { method: 'POST', body: JSON.stringify(reason ? { reason } : {}) });
  }

  gameDayCalendar(query: CalendarQuery = {}): Promise<CalendarResponse> {
    const params = new URLSearchParams();
    for (const k of ['service', 'from', 'to'] as const) if (query[k]) params.set(k, query[k]!);
    const qs = params.toString();
    return this.#api<CalendarResponse>(`/calendar${qs ? `?${qs}` : ''}`);
  }

  approveDrill(approvalId: string): Promise<{ approval: Approval; drill: DrillSummary }> {
    return this.#api(`/approvals/${encodeURIComponent(approvalId)}/approve`, { method: 'POST', body: '{}' });
  }

  rejectDrill(approvalId: string, reason?: string): Promise<Approval> {
    return this.#api<Approval>(`/approvals/${encodeURIComponent(approvalId)}/reject`, { method: 'POST', body: JSON.stringify(reason ? { reason } : {}) });
  }

  resilience(serviceId: string): Promise<{ current: ResilienceSample; history: ResilienceSample[] }> {
    return this.#api(`/resilience/${encodeURIComponent(serviceId)}`);
  }

  getScorecard(drillId: string): Promise<ScorecardResponse> {
    return this.#api<ScorecardResponse>(`/drills/${encodeURIComponent(drillId)}/scorecard`);
  }

  async listScorecards(serviceId: string, limit?: number): Promise<ScorecardResponse[]> {
    const qs = limit !== undefined ? `?limit=${encodeURIComponent(String(limit))}` : '';
    return (await this.#api<{ items: ScorecardResponse[] }>(`/services/${encodeURIComponent(serviceId)}/scorecards${qs}`)).items;
  }

  getEmergencyStop(): Promise<EmergencyStopState> {
    return this.#api<EmergencyStopState>('/emergency-stop');
  }

  triggerEmergencyStop(reason: string): Promise<EmergencyStopState> {
    return this.#api<EmergencyStopState>('/emergency-stop', { method: 'POST', body: JSON.stringify({ reason }) });
  }

  async reportUrl(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): Promise<string | null> {
    const path = reportPath(drill);
    return path === null ? null : `${await this.#base()}${path}`;
  }

  async getReportHtml(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): Promise<string> {
    const url = await this.reportUrl(drill);
    if (url === null) {
      throw new DrillbookApiError(`drill ${drill.id} has no report yet (it has not finished)`, { status: 404, method: 'GET', url: `/drills/${drill.id}/report`, origin: 'client' });
    }
    const response = await this.#send('GET', url, { headers: { Accept: 'text/html' } });
    if (!response.ok) throw await DrillbookApiError.fromResponse(response, 'GET', url);
    return response.text();
  }

  async followDrill(drillId: string, options: FollowDrillOptions): Promise<FollowOutcome> {
    const { onEvent, signal } = options;
    const maxReconnects = options.maxReconnects ?? this.#maxReconnects;
    const url = `${await this.#base()}/drills/${encodeURIComponent(drillId)}/events`;
    let last = options.lastEventId;
    let failures = 0;
    // `retry:` is a stream setting that outlives one connection, as in EventSource.
    let retryMs: number | null = null;
    for (;;) {
      if (signal?.aborted) return 'cancelled';
      // A fresh parser per connection: half a message from a dropped stream must not leak into the next.
      const parser = new SseParser();
      let progressed = false;
      let ended = false;
      let dropped: unknown;
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream' };
        if (last !== undefined) headers['Last-Event-ID'] = String(last);
        const response = await this.#send('GET', url, { headers, signal });
        if (!response.ok) throw await DrillbookApiError.fromResponse(response, 'GET', url);
        if (!response.body) throw new DrillbookApiError(`the event stream of drill ${drillId} has no body`, { status: response.status, method: 'GET', url, origin: 'client' });
        const how = await readSseStream(
          response.body,
          parser,
          (message) => {
            const event = parseEvent(message.data, message.lastEventId, drillId, url);
            if (last !== undefined && event.seq <= last) return undefined; // replayed after a reconnect
            last = event.seq;
            progressed = true;
            onEvent(event);
            if (event.type === 'end') {
              ended = true;
              return 'stop';
            }
            return undefined;
          },
          signal,
        );
        if (how === 'eof' && !ended) dropped = new Error('the stream closed before the end event');
      } catch (error) {
        if (signal?.aborted) return 'cancelled';
        if (!isDroppedConnection(error)) throw error;
        dropped = error;
      } finally {
        retryMs = parser.retryMs ?? retryMs;
      }
      if (ended) return 'ended';
      if (signal?.aborted) return 'cancelled';
      failures = progressed ? 1 : failures + 1;
      if (failures > maxReconnects) {
        const reason = dropped instanceof Error ? `: ${dropped.message}` : '';
        throw new DrillbookApiError(`lost the event stream of drill ${drillId} ${failures} times in a row without a new event${reason}`, {
          status: dropped instanceof DrillbookApiError ? dropped.status : 0,
          method: 'GET',
          url,
          origin: dropped instanceof DrillbookApiError ? dropped.origin : 'network',
          cause: dropped,
        });
      }
      options.onReconnect?.(failures);
      await this.#sleep(retryMs ?? this.#reconnectDelayMs, signal);
    }
  }

  async #base(): Promise<string> {
    const base = typeof this.#baseUrl === 'string' ? this.#baseUrl : await this.#baseUrl();
    return base.replace(/\/+$/, '');
  }

  async #send(method: string, url: string, init: { headers: Record<string, string>; body?: string; signal?: AbortSignal }): Promise<Response> {
    try {
      return await this.#fetch(url, {
        method,
        headers: { ...this.#headers, ...init.headers },
        ...(init.body !== undefined ? { body: init.body } : {}),
        ...(init.signal ? { signal: init.signal } : {}),
        ...(this.#credentials ? { credentials: this.#credentials } : {}),
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw DrillbookApiError.network(method, url, error);
    }
  }

  async #api<T>(path: string, init: { method?: string; body?: string } = {}): Promise<T> {
    const url = `${await this.#base()}${path}`;
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.#send(method, url, { headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    if (!response.ok) throw await DrillbookApiError.fromResponse(response, method, url);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new DrillbookApiError(`${method} ${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 120)}`, { status: response.status, method, url, origin: 'client', cause });
    }
  }
}

/** A connection that dropped or never opened (worth a reconnect), as opposed to an answer. */
function isDroppedConnection(error: unknown): boolean {
  if (error instanceof DrillbookApiError) return error.retryable;
  // fetch bodies fail with a TypeError when the connection drops mid-stream (browsers and Node).
  return error instanceof TypeError;
}

function parseEvent(data: string, id: string | null, drillId: string, url: string): DrillEvent {
  const bad = (what: string, cause?: unknown) =>
    new DrillbookApiError(`the event stream of drill ${drillId} sent ${what} (id ${id ?? '?'}): ${data.slice(0, 120)}`, { status: 200, method: 'GET', url, origin: 'client', cause });
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    throw bad('an event that is not JSON', cause);
  }
  const e = value as Partial<DrillEvent> | null;
  if (typeof e !== 'object' || e === null || typeof e.seq !== 'number' || typeof e.type !== 'string' || typeof e.message !== 'string') {
    throw bad('an event without seq, type or message');
  }
  return e as DrillEvent;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
