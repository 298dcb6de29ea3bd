import type {
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
import type { DrillState } from './states.js';

export interface ListDrillsQuery {
  service?: string;
  state?: DrillState;
  limit?: number;
}

export interface FollowDrillOptions {
  /** Called for every event, in `seq` order, without duplicates across reconnects. */
  onEvent: (event: DrillEvent) => void;
  /** Aborting stops following (it does not abort the drill); `followDrill` then resolves `'cancelled'`. */
  signal?: AbortSignal;
  /** Resume after this event sequence number (sent as `Last-Event-ID`). */
  lastEventId?: number;
  /** Consecutive reconnects without a new event before giving up. Default: the client's (5). */
  maxReconnects?: number;
  /** Called before each reconnect with the number of consecutive attempts so far (1, 2, ...). */
  onReconnect?: (attempt: number) => void;
}

/** How following a drill's event stream ended: its `end` event arrived, or the caller stopped. */
export type FollowOutcome = 'ended' | 'cancelled';

/** The drill controller's REST + SSE API (`/api/v1`, see contracts/openapi.ts), whoever hosts it. */
export interface DrillbookApi {
  /** Who the token (of the proxy, or the caller's) belongs to and what it may do. */
  me(): Promise<WhoAmI>;
  /** Every catalogue service with live SLO, GPU, model version and last drill. */
  listServices(): Promise<ServiceSummary[]>;
  getService(serviceId: string): Promise<ServiceSummary>;
  listRunbooks(): Promise<RunbookSummary[]>;
  /** Drills, newest first. */
  listDrills(query?: ListDrillsQuery): Promise<DrillSummary[]>;
  getDrill(drillId: string): Promise<DrillSummary>;
  /** Starts a drill (202 with the persisted drill); with `dryRun: true` only returns its plan (200). */
  startDrill(request: StartDrillRequest): Promise<StartDrillResponse>;
  abortDrill(drillId: string, reason?: string): Promise<DrillSummary>;
  /**
   * Follows `/drills/{id}/events` until the `end` event or until `signal` aborts. A dropped stream,
   * a refused connection or a 502/503/504 reconnects with `Last-Event-ID`; other HTTP errors and
   * malformed events reject at once.
   */
  followDrill(drillId: string, options: FollowDrillOptions): Promise<FollowOutcome>;
  getScorecard(drillId: string): Promise<ScorecardResponse>;
  /** A service's scorecards, newest first. */
  listScorecards(serviceId: string, limit?: number): Promise<ScorecardResponse[]>;
  /** Absolute (or host-relative) URL of a drill's HTML report, or null when it has none yet. */
  reportUrl(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): Promise<string | null>;
  /** The self-contained HTML report of a finished drill; rejects (not-found) when it has none yet. */
  getReportHtml(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): Promise<string>;
  getEmergencyStop(): Promise<EmergencyStopState>;
  triggerEmergencyStop(reason: string): Promise<EmergencyStopState>;
}
