import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
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
import type { DrillbookApi, FollowDrillOptions, FollowOutcome, ListDrillsQuery } from './DrillbookApi';
import { ControllerUnreachableError, toResponseError } from './errors';
import { readSseStream } from './sse';

/** The contract's prefix; typed against it so the compiler catches a drift without a runtime import. */
const API_PREFIX: typeof CONTRACT_API_PREFIX = '/api/v1';

export interface DrillbookClientOptions {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
  /** Backstage proxy endpoint path. Default "/drillbook". */
  proxyPath?: string;
  /** Direct controller URL; when set the proxy is not used. */
  baseUrl?: string;
  /** Wait before reconnecting a dropped event stream, unless the server sent `retry:`. Default 1000 ms. */
  reconnectDelayMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function isDrillEvent(value: unknown): value is DrillEvent {
  const v = value as Partial<DrillEvent> | null;
  return typeof v === 'object' && v !== null && typeof v.seq === 'number' && typeof v.type === 'string' && typeof v.message === 'string';
}

/** Talks to the drill controller through the Backstage proxy (or a direct URL) with `fetchApi`. */
export class DrillbookClient implements DrillbookApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;
  readonly #proxyPath: string;
  readonly #baseUrl: string | undefined;
  readonly #reconnectDelayMs: number;

  constructor(options: DrillbookClientOptions) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
    this.#proxyPath = options.proxyPath ?? '/drillbook';
    this.#baseUrl = options.baseUrl;
    this.#reconnectDelayMs = options.reconnectDelayMs ?? 1000;
  }

  async getMe(): Promise<WhoAmI> {
    return this.#api<WhoAmI>('/me');
  }

  async listServices(): Promise<ServiceSummary[]> {
    return (await this.#api<{ items: ServiceSummary[] }>('/services')).items;
  }

  async getService(serviceId: string): Promise<ServiceSummary> {
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

  async getDrill(drillId: string): Promise<DrillSummary> {
    return this.#api<DrillSummary>(`/drills/${encodeURIComponent(drillId)}`);
  }

  async startDrill(request: StartDrillRequest): Promise<StartDrillResponse> {
    return this.#api<StartDrillResponse>('/drills', { method: 'POST', body: JSON.stringify(request) });
  }

  async abortDrill(drillId: string, reason?: string): Promise<DrillSummary> {
    return this.#api<DrillSummary>(`/drills/${encodeURIComponent(drillId)}/abort`, {
      method: 'POST',
      body: JSON.stringify(reason ? { reason } : {}),
    });
  }

  async getScorecard(drillId: string): Promise<ScorecardResponse> {
    return this.#api<ScorecardResponse>(`/drills/${encodeURIComponent(drillId)}/scorecard`);
  }

  async getEmergencyStop(): Promise<EmergencyStopState> {
    return this.#api<EmergencyStopState>('/emergency-stop');
  }

  async getReportHtml(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): Promise<string> {
    const url = await this.reportUrl(drill);
    const response = await this.#fetch(url, { headers: { Accept: 'text/html' } });
    if (!response.ok) throw await toResponseError(response, 'GET', url);
    return response.text();
  }

  /**
   * Absolute URL of a drill's HTML report behind the proxy. `DrillSummary.reportUrl` is a path
   * relative to the controller: "/api/v1/drills/x/report" or relative to the API ("drills/x/report").
   */
  async reportUrl(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): Promise<string> {
    const raw = drill.reportUrl ?? `/drills/${encodeURIComponent(drill.id)}/report`;
    if (/^https?:\/\//.test(raw)) return raw;
    const base = await this.#base();
    if (raw.startsWith(`${API_PREFIX}/`)) return `${base}${raw}`;
    return `${base}${API_PREFIX}/${raw.replace(/^\/+/, '')}`;
  }

  async followDrill(drillId: string, options: FollowDrillOptions): Promise<FollowOutcome> {
    const { onEvent, signal } = options;
    const maxReconnects = options.maxReconnects ?? 5;
    const url = await this.#url(`/drills/${encodeURIComponent(drillId)}/events`);
    let last = options.lastEventId;
    let failures = 0;
    let retryMs = this.#reconnectDelayMs;
    for (;;) {
      if (signal?.aborted) return 'cancelled';
      let progressed = false;
      let ended = false;
      let dropped: unknown;
      try {
        const response = await this.#fetch(url, {
          headers: { Accept: 'text/event-stream', ...(last !== undefined ? { 'Last-Event-ID': String(last) } : {}) },
          signal,
        });
        if (!response.ok) throw await toResponseError(response, 'GET', url);
        if (!response.body) throw new Error(`the event stream of drill ${drillId} has no body`);
        await readSseStream(response.body, message => {
          if (message.retry !== undefined) retryMs = message.retry;
          let event: unknown;
          try {
            event = JSON.parse(message.data);
          } catch {
            throw new Error(`the event stream of drill ${drillId} sent an event that is not JSON (id ${message.id ?? '?'})`);
          }
          if (!isDrillEvent(event)) throw new Error(`the event stream of drill ${drillId} sent an event without seq/type/message (id ${message.id ?? '?'})`);
          if (last !== undefined && event.seq <= last) return undefined;
          last = event.seq;
          progressed = true;
          onEvent(event);
          if (event.type === 'end') {
            ended = true;
            return 'stop';
          }
          return undefined;
        });
      } catch (error) {
        if (signal?.aborted) return 'cancelled';
        // Only a dropped connection is worth retrying; HTTP and protocol errors are final.
        if (!(error instanceof ControllerUnreachableError) && !(error instanceof TypeError)) throw error;
        dropped = error;
      }
      if (ended) return 'ended';
      if (signal?.aborted) return 'cancelled';
      failures = progressed ? 1 : failures + 1;
      if (failures > maxReconnects) {
        const reason = dropped instanceof Error ? `: ${dropped.message}` : '';
        throw new Error(`lost the event stream of drill ${drillId} ${failures} times in a row without an end event${reason}`);
      }
      await sleep(retryMs, signal);
    }
  }

  async #base(): Promise<string> {
    if (this.#baseUrl) return this.#baseUrl;
    const proxy = await this.#discoveryApi.getBaseUrl('proxy');
    return `${proxy.replace(/\/+$/, '')}${this.#proxyPath}`;
  }

  async #url(path: string): Promise<string> {
    return `${await this.#base()}${API_PREFIX}${path}`;
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#fetchApi.fetch(url, init);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ControllerUnreachableError(url, error);
    }
  }

  async #api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const url = await this.#url(path);
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.#fetch(url, { ...init, method, headers });
    if (!response.ok) throw await toResponseError(response, method, url);
    return (await response.json()) as T;
  }
}
