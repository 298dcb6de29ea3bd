import { createApiRef } from '@backstage/core-plugin-api';
import type {
  DrillEvent,
  DrillState,
  DrillSummary,
  EmergencyStopState,
  RunbookSummary,
  ScorecardResponse,
  ServiceSummary,
  StartDrillRequest,
  StartDrillResponse,
  WhoAmI,
} from '@drillbook/contracts';

export interface ListDrillsQuery {
  service?: string;
  state?: DrillState;
  limit?: number;
}

export interface FollowDrillOptions {
  /** Called for every event, in `seq` order, without duplicates across reconnects. */
  onEvent: (event: DrillEvent) => void;
  /** Aborting stops following (it does not abort the drill). */
  signal?: AbortSignal;
  /** Resume after this event sequence number (sent as `Last-Event-ID`). */
  lastEventId?: number;
  /** Reconnect attempts after the stream drops without an `end` event. Default 5. */
  maxReconnects?: number;
}

/** How following a drill's event stream ended. */
export type FollowOutcome = 'ended' | 'cancelled';

/** The drill controller's REST + SSE API (`/api/v1`), as seen through the Backstage proxy. */
export interface DrillbookApi {
  /** Who the proxy's controller token belongs to and what it may do. */
  getMe(): Promise<WhoAmI>;
  /** Every catalogue service with live SLO, GPU, model version and last drill. */
  listServices(): Promise<ServiceSummary[]>;
  getService(serviceId: string): Promise<ServiceSummary>;
  listRunbooks(): Promise<RunbookSummary[]>;
  /** Drills, newest first. */
  listDrills(query?: ListDrillsQuery): Promise<DrillSummary[]>;
  getDrill(drillId: string): Promise<DrillSummary>;
  /** Starts a drill; with `dryRun: true` only returns its plan and touches nothing. */
  startDrill(request: StartDrillRequest): Promise<StartDrillResponse>;
  abortDrill(drillId: string, reason?: string): Promise<DrillSummary>;
  /** Streams the drill's Server-Sent Events until its `end` event or until `signal` aborts. */
  followDrill(drillId: string, options: FollowDrillOptions): Promise<FollowOutcome>;
  getScorecard(drillId: string): Promise<ScorecardResponse>;
  /** The self-contained HTML report of a finished drill. */
  getReportHtml(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): Promise<string>;
  getEmergencyStop(): Promise<EmergencyStopState>;
}

export const drillbookApiRef = createApiRef<DrillbookApi>({ id: 'plugin.drillbook.service' });
