import { isDrillState, type DrillState } from '@drillbook/client';
import { DRILL_PHASES, type DrillEvent, type DrillPhase } from '@drillbook/contracts';

export interface LoadProgress {
  loadPhase: string | null;
  elapsedS: number | null;
  remainingS: number | null;
  rps: number | null;
  requests: number | null;
  errors: number | null;
  p99Ms: number | null;
}

export interface DrillProgress {
  state: DrillState | null;
  phase: DrillPhase | null;
  /** Phases seen so far, in the controller's order. */
  phasesSeen: DrillPhase[];
  load: LoadProgress | null;
  detection: string | null;
  faults: string[];
  events: DrillEvent[];
  ended: boolean;
}

export const initialProgress: DrillProgress = { state: null, phase: null, phasesSeen: [], load: null, detection: null, faults: [], events: [], ended: false };

const MAX_EVENTS = 500;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Folds one live event into what the follow page shows. */
export function applyEvent(p: DrillProgress, e: DrillEvent): DrillProgress {
  const next: DrillProgress = { ...p, events: [...p.events, e].slice(-MAX_EVENTS) };
  if (e.phase && (DRILL_PHASES as readonly string[]).includes(e.phase)) {
    next.phase = e.phase;
    if (!p.phasesSeen.includes(e.phase)) {
      next.phasesSeen = [...p.phasesSeen, e.phase];
    }
  }
  switch (e.type) {
    case 'state':
      if (typeof e.data?.status === 'string' && isDrillState(e.data.status)) {
        next.state = e.data.status;
      }
      break;
    case 'progress':
      next.load = {
        loadPhase: typeof e.data?.loadPhase === 'string' ? e.data.loadPhase : null,
        elapsedS: num(e.data?.elapsedS),
        remainingS: num(e.data?.remainingS),
        rps: num(e.data?.rps),
        requests: num(e.data?.requests),
        errors: num(e.data?.errors),
        p99Ms: num(e.data?.p99Ms),
      };
      break;
    case 'detection':
      next.detection = e.message;
      break;
    case 'fault':
      next.faults = [...p.faults, e.message];
      break;
    case 'end':
      // The controller's last event carries the final status (data.status), often without a state event before it.
      next.ended = true;
      if (typeof e.data?.status === 'string' && isDrillState(e.data.status)) {
        next.state = e.data.status;
      }
      break;
    default:
      break;
  }
  return next;
}
