/**
 * Detection in every drill: the alerts a runbook expects to catch its fault, and what Prometheus
 * said about every alert during the drill (pending, firing, resolved), relative to the fault.
 */
import type { Duration } from './runbook.js';

/** The alerts that should catch this drill's fault, by severity (names as in the deployed rules). */
export interface AlertExpectations {
  page?: string[];
  ticket?: string[];
}

/** One alert (name and severity) as Prometheus reported it during a drill; times are ISO instants. */
export interface AlertObservation {
  alertname: string;
  /** `sloth_severity` of SLO alerts, `severity` of platform alerts; null when the rule has none. */
  severity: string | null;
  /** The rule's `for:` in seconds (0 = fires on its first evaluation). */
  forS: number;
  /** First time an instance of this alert was seen pending (Prometheus' `activeAt`). */
  pendingAt: string | null;
  /** First time it was firing (`activeAt` + `for`, the evaluation that turned it firing). */
  firingAt: string | null;
  /** When it was no longer active after having been active; null while still active at the end. */
  resolvedAt: string | null;
  /** Firing before the fault began (in the baseline). */
  firedInBaseline: boolean;
}

/** The journal's record of the alert watch. */
export interface AlertWatchRecord {
  /** Prometheus the drill read `/api/v1/rules` from; null when none was configured. */
  prometheus: string | null;
  /** Why the watch says what it says (no Prometheus, Prometheus unreachable, ...). */
  note?: string;
  /** When the watch started and ended (ISO). */
  startedAt: string;
  endedAt?: string;
  alerts: AlertObservation[];
}

/** An alert in the scorecard's timeline, times in seconds relative to the fault (negative = before). */
export interface AlertTimelineEntry {
  alertname: string;
  severity: string | null;
  /** Named in the runbook's `expectedAlerts`. */
  expected: boolean;
  forS: number;
  pendingS: number | null;
  firingS: number | null;
  /** Still pending at the end of the drill: when it would fire (pending since + for). */
  projectedFiringS: number | null;
  resolvedS: number | null;
  firedInBaseline: boolean;
}

export interface DetectionFindings {
  /** Where alert states came from: Prometheus (URL), or none (metric detection only). */
  source: 'prometheus' | 'none';
  prometheus: string | null;
  note: string | null;
  /** Time to detect came from a projected firing time (an alert still pending at the end). */
  projected: boolean;
  /** When the fault began, in seconds since the drill's load origin (the charts' time axis); null without a fault. */
  faultAtS: number | null;
  timeline: AlertTimelineEntry[];
  /** What the fault did to the SLIs (empty = no impact measured). */
  impact: string[];
  /** The bound within which an expected alert must fire (or be projected to) for impact to count as detected. */
  boundS: number;
  /** Impact with no expected alert firing (or projected) within the bound; null when it cannot be judged. */
  undetectedImpact: boolean | null;
  /** Expected alerts that fired in the baseline, before any fault. */
  noise: string[];
}

/** Default bound of `undetected_impact` (objective `within`). */
export const DEFAULT_DETECTION_BOUND: Duration = '5m';
