import {
  API_PREFIX,
  type DrillEvent,
  type DrillSummary,
  type EmergencyStopState,
  type RunbookSummary,
  type ScorecardResponse,
  type ServiceSummary,
  type StartDrillRequest,
  type StartDrillResponse,
  type WhoAmI,
} from '@drillbook/contracts';
import { PROXY_BASE } from '../constants';
import type { DrillbookApi, DrillQuery, FollowOptions } from './DrillbookApi';
import { DrillbookApiError } from './errors';
import { SseParser, readEventStream } from './sse';

export interface DrillbookClientOptions {
  /** Defaults to the app's plugin-proxy route (`/api/plugin-proxy/drillbook-gameday-app/api`). */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Delay before reconnecting a dropped event stream when the server sent no `retry:`. */
  reconnectDelayMs?: number;
  /** Consecutive failed reconnections before following gives up. */
  maxReconnects?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Talks to the drill controller through Grafana's plugin proxy; the browser never holds the token. */
export class DrillbookClient implements DrillbookApi {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly reconnectDelayMs: number;
  private readonly maxReconnects: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(options: DrillbookClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? PROXY_BASE).replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.reconnectDelayMs = options.reconnectDelayMs ?? 1000;
    this.maxReconnects = options.maxReconnects ?? 5;
    this.sleep = options.sleep ?? defaultSleep;
  }

  me(): Promise<WhoAmI> {
    return this.api<WhoAmI>('/me');
  }

  async listServices(): Promise<ServiceSummary[]> {
    return (await this.api<{ items: ServiceSummary[] }>('/services')).items;
  }

  async listRunbooks(): Promise<RunbookSummary[]> {
    return (await this.api<{ items: RunbookSummary[] }>('/runbooks')).items;
  }

  async listDrills(query: DrillQuery = {}): Promise<DrillSummary[]> {
    const params = new URLSearchParams();
    if (query.service) {
      params.set('service', query.service);
    }
    if (query.state) {
      params.set('state', query.state);
    }
    if (query.limit !== undefined) {
      params.set('limit', String(query.limit));
    }
    const qs = params.toString();
    return (await this.api<{ items: DrillSummary[] }>(`/drills${qs ? `?${qs}` : ''}`)).items;
  }

  getDrill(id: string): Promise<DrillSummary> {
    return this.api<DrillSummary>(`/drills/${encodeURIComponent(id)}`);
  }

  startDrill(request: StartDrillRequest): Promise<StartDrillResponse> {
    return this.api<StartDrillResponse>('/drills', { method: 'POST', body: JSON.stringify(request) });
  }

  abortDrill(id: string, reason?: string): Promise<DrillSummary> {
    return this.api<DrillSummary>(`/drills/${encodeURIComponent(id)}/abort`, {
      method: 'POST',
      body: JSON.stringify(reason ? { reason } : {}),
    });
  }

  getScorecard(drillId: string): Promise<ScorecardResponse> {
    return this.api<ScorecardResponse>(`/drills/${encodeURIComponent(drillId)}/scorecard`);
  }

  async listScorecards(serviceId: string, limit?: number): Promise<ScorecardResponse[]> {
    const qs = limit !== undefined ? `?limit=${limit}` : '';
    return (await this.api<{ items: ScorecardResponse[] }>(`/services/${encodeURIComponent(serviceId)}/scorecards${qs}`)).items;
  }

  getEmergencyStop(): Promise<EmergencyStopState> {
    return this.api<EmergencyStopState>('/emergency-stop');
  }

  triggerEmergencyStop(reason: string): Promise<EmergencyStopState> {
    return this.api<EmergencyStopState>('/emergency-stop', { method: 'POST', body: JSON.stringify({ reason }) });
  }

  reportHref(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): string | null {
    if (!drill.reportUrl) {
      return null;
    }
    const path = drill.reportUrl.startsWith(API_PREFIX) ? drill.reportUrl.slice(API_PREFIX.length) : `/drills/${encodeURIComponent(drill.id)}/report`;
    return `${this.baseUrl}${path}`;
  }

  async followEvents(drillId: string, options: FollowOptions): Promise<'ended' | 'aborted'> {
    const path = `/drills/${encodeURIComponent(drillId)}/events`;
    let lastSeq = options.afterSeq ?? null;
    let failures = 0;
    let retryMs: number | null = null;
    for (;;) {
      if (options.signal?.aborted) {
        return 'aborted';
      }
      let ended = false;
      // A fresh parser per connection: a partial event from a dropped stream must not leak into the next.
      const parser = new SseParser();
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream' };
        if (lastSeq !== null) {
          headers['Last-Event-ID'] = String(lastSeq);
        }
        const res = await this.fetchFn(this.baseUrl + path, { headers, credentials: 'same-origin', signal: options.signal });
        if (!res.ok) {
          const err = await DrillbookApiError.fromResponse(res, path);
          // Permission and unknown-drill errors do not heal by retrying.
          if (err.kind !== 'unreachable') {
            throw err;
          }
          throw Object.assign(err, { retryable: true });
        }
        if (!res.body) {
          throw new DrillbookApiError('event stream response has no body', res.status, path, 'grafana');
        }
        failures = 0;
        await readEventStream(res.body, parser, (msg) => {
          const event = parseEvent(msg.data, path);
          if (lastSeq !== null && event.seq <= lastSeq) {
            return; // replayed on reconnect
          }
          lastSeq = event.seq;
          options.onEvent(event);
          if (event.type === 'end') {
            ended = true;
            return false;
          }
          return;
        }, options.signal);
        if (options.signal?.aborted) {
          return 'aborted';
        }
      } catch (err) {
        retryMs = parser.retryMs ?? retryMs;
        if (options.signal?.aborted) {
          return 'aborted';
        }
        const retryable = (err as { retryable?: boolean }).retryable === true || (err instanceof TypeError && !(err instanceof DrillbookApiError));
        if (!retryable) {
          throw err;
        }
        failures += 1;
        if (failures > this.maxReconnects) {
          throw new DrillbookApiError(
            `event stream of drill ${drillId} failed ${failures} times in a row: ${(err as Error).message}`,
            0,
            path,
            'network',
            null,
            { cause: err }
          );
        }
      }
      retryMs = parser.retryMs ?? retryMs;
      if (ended) {
        return 'ended';
      }
      options.onReconnect?.(failures + 1);
      await this.sleep(retryMs ?? this.reconnectDelayMs, options.signal);
    }
  }

  private async api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.baseUrl + path, { ...init, headers, credentials: 'same-origin' });
    } catch (cause) {
      throw new DrillbookApiError(`request to ${path} failed: ${(cause as Error).message}`, 0, path, 'network', null, { cause });
    }
    if (!res.ok) {
      throw await DrillbookApiError.fromResponse(res, path);
    }
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new DrillbookApiError(
        `${path} answered ${res.status} with a body that is not JSON: ${text.slice(0, 120)}`,
        res.status,
        path,
        'grafana',
        null,
        { cause }
      );
    }
  }
}

function parseEvent(data: string, path: string): DrillEvent {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch (cause) {
    throw new DrillbookApiError(`${path}: event data is not JSON: ${data.slice(0, 120)}`, 200, path, 'controller', null, { cause });
  }
  const e = event as Partial<DrillEvent>;
  if (typeof e.seq !== 'number' || typeof e.type !== 'string' || typeof e.message !== 'string') {
    throw new DrillbookApiError(`${path}: event lacks seq, type or message: ${data.slice(0, 120)}`, 200, path, 'controller');
  }
  return e as DrillEvent;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true }
    );
  });
}
