import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { DrillEvent, DrillPhase } from '@drillbook/contracts';
import { drillbookApiRef } from '../drillbookApi';

/** How many events a live view keeps (the newest). */
export const MAX_KEPT_EVENTS = 200;

export interface DrillLiveState {
  events: DrillEvent[];
  /** Phase of the latest event that named one. */
  phase?: DrillPhase;
  /** Latest `state` event's status (queued, running, passed, ...). */
  status?: string;
  /** Data of the latest `progress` event: elapsed, remaining, rps, errors, p99. */
  progress?: DrillEvent['data'];
  /** Phases in the order they started. */
  phasesSeen: DrillPhase[];
  ended: boolean;
  error?: Error;
}

const initial: DrillLiveState = { events: [], phasesSeen: [], ended: false };

export function reduceDrillEvent(state: DrillLiveState, event: DrillEvent): DrillLiveState {
  const events = [...state.events, event].slice(-MAX_KEPT_EVENTS);
  const next: DrillLiveState = { ...state, events };
  if (event.phase) {
    next.phase = event.phase;
    if (!state.phasesSeen.includes(event.phase)) next.phasesSeen = [...state.phasesSeen, event.phase];
  }
  if ((event.type === 'state' || event.type === 'end') && typeof event.data?.status === 'string') next.status = event.data.status;
  if (event.type === 'progress' && event.data) next.progress = event.data;
  if (event.type === 'end') next.ended = true;
  return next;
}

/** Follows a drill's SSE stream while mounted; `drillId` undefined follows nothing. */
export function useDrillEvents(drillId: string | undefined): DrillLiveState {
  const api = useApi(drillbookApiRef);
  const [state, setState] = useState<DrillLiveState>(initial);

  useEffect(() => {
    setState(initial);
    if (!drillId) return undefined;
    const controller = new AbortController();
    api
      .followDrill(drillId, { signal: controller.signal, onEvent: event => setState(s => reduceDrillEvent(s, event)) })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState(s => ({ ...s, error: error instanceof Error ? error : new Error(String(error)) }));
      });
    return () => controller.abort();
  }, [api, drillId]);

  return state;
}
