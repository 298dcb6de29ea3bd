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
import { createContext, useContext } from 'react';

export interface DrillQuery {
  service?: string;
  state?: string;
  limit?: number;
}

export interface FollowOptions {
  onEvent: (event: DrillEvent) => void;
  signal?: AbortSignal;
  /** Resume after this sequence number (sent as Last-Event-ID). */
  afterSeq?: number;
  /** Called before each reconnection after the stream dropped without an `end` event. */
  onReconnect?: (attempt: number) => void;
}

/** The drill controller API as the app pages use it (routes under `/api/v1`, see contracts/openapi.ts). */
export interface DrillbookApi {
  me(): Promise<WhoAmI>;
  listServices(): Promise<ServiceSummary[]>;
  listRunbooks(): Promise<RunbookSummary[]>;
  listDrills(query?: DrillQuery): Promise<DrillSummary[]>;
  getDrill(id: string): Promise<DrillSummary>;
  /** 200 with the plan for a dry run; 202 with the persisted drill for a real one. */
  startDrill(request: StartDrillRequest): Promise<StartDrillResponse>;
  abortDrill(id: string, reason?: string): Promise<DrillSummary>;
  getScorecard(drillId: string): Promise<ScorecardResponse>;
  listScorecards(serviceId: string, limit?: number): Promise<ScorecardResponse[]>;
  getEmergencyStop(): Promise<EmergencyStopState>;
  triggerEmergencyStop(reason: string): Promise<EmergencyStopState>;
  /** Follows `/drills/{id}/events` until the `end` event; reconnects with Last-Event-ID when the stream drops. */
  followEvents(drillId: string, options: FollowOptions): Promise<'ended' | 'aborted'>;
  /** Browser URL of a drill's HTML report through the plugin proxy, or null when it has none yet. */
  reportHref(drill: Pick<DrillSummary, 'id' | 'reportUrl'>): string | null;
}

export const DrillbookApiContext = createContext<DrillbookApi | null>(null);

export function useDrillbookApi(): DrillbookApi {
  const api = useContext(DrillbookApiContext);
  if (!api) {
    throw new Error('useDrillbookApi: no DrillbookApiContext provider above this component');
  }
  return api;
}
