/**
 * Observers of the drills the controller runs: the Prometheus metrics and the Grafana annotations
 * follow a drill's lifecycle through here, so the DrillManager itself only admits and runs drills.
 * An observer that throws is logged and never affects a drill (as the engine's event registry).
 */
import type { DrillEvent, Scorecard } from '@drillbook/contracts';
import type { Store } from '../../store/types.js';
import type { GrafanaAnnotator } from '../grafana.js';
import type { DrillMetrics } from '../metrics.js';

export interface ObservedDrill {
  id: string;
  service: string;
  runbook: string;
  requestedBy: string;
}

export interface DrillLifecycleObserver {
  /** The drill got its target and starts running (`at`: ms since the epoch). */
  started?(d: ObservedDrill, at: number): void;
  /** An engine event (never `end`: the manager ends the drill once the scorecard is stored). */
  event?(d: ObservedDrill, e: DrillEvent): void;
  /** The drill ended with a stored scorecard (also a drill interrupted by a controller restart, scored on recovery). */
  scored?(d: ObservedDrill, sc: Scorecard): void;
  /** The drill ended without a scorecard: `aborted` (never started, or its engine died), `interrupted` (the controller died mid-drill and its runbook no longer parses). */
  endedWithout?(d: ObservedDrill, state: 'aborted' | 'interrupted', reason: string): void;
  /** The emergency stop was engaged (true) or released (false); also once at start-up with the stored state. */
  emergencyStop?(active: boolean): void;
}

/** Calls one hook on every observer; an observer that throws is logged and skipped. */
export function notify<K extends keyof DrillLifecycleObserver>(
  observers: readonly DrillLifecycleObserver[],
  log: (line: string) => void,
  hook: K,
  ...args: Parameters<NonNullable<DrillLifecycleObserver[K]>>
): void {
  for (const o of observers) {
    const f = o[hook] as ((...a: unknown[]) => void) | undefined;
    if (!f) continue;
    try {
      f.apply(o, args);
    } catch (e) {
      log(`drill observer failed on ${hook}: ${(e as Error).message}`);
    }
  }
}

/** `drillbook_drill_*` metrics: in progress while running, the scorecard's figures at the end, the emergency stop. */
export function metricsObserver(metrics: DrillMetrics): DrillLifecycleObserver {
  return {
    started: (d) => metrics.started(d.service, d.runbook),
    scored: (_d, sc) => metrics.result(sc),
    endedWithout: (d, state) => metrics.endedWithout(d.service, d.runbook, state),
    emergencyStop: (active) => metrics.emergencyStop(active),
  };
}

/** Reloads the latest result of every runbook on every service into the metrics (after a restart). */
export async function restoreLatestResults(store: Store, metrics: DrillMetrics): Promise<void> {
  const seen = new Set<string>();
  for (const r of await store.listDrills({ limit: 500, dryRuns: false })) {
    const k = `${r.service}|${r.runbook}`;
    if (seen.has(k) || r.state === 'queued' || r.state === 'running') continue;
    seen.add(k);
    const sc = r.score !== null ? await store.getScorecard(r.id) : null;
    if (sc) metrics.result(sc, { count: false });
    else metrics.endedWithout(r.service, r.runbook, r.state as never);
  }
}

/** Grafana annotations: a point at start, at every fault and when recovery begins; a region from start to end with the verdict. */
export function grafanaObserver(grafana: GrafanaAnnotator): DrillLifecycleObserver {
  const ref = (d: ObservedDrill) => ({ id: d.id, service: d.service, runbook: d.runbook });
  return {
    started: (d, at) => grafana.annotate('start', ref(d), `Drill ${d.runbook} started on ${d.service} by ${d.requestedBy}`, at),
    event: (d, e) => {
      if (e.type === 'fault') grafana.annotate('fault', ref(d), `Drill ${d.runbook}: ${e.message}`, Date.parse(e.at));
      if (e.type === 'phase' && e.data?.loadPhase === 'recovery') grafana.annotate('recovery', ref(d), `Drill ${d.runbook}: recovery phase begins`, Date.parse(e.at));
    },
    scored: (d, sc) => grafana.annotate('end', ref(d), `Drill ${d.runbook} on ${d.service}: ${sc.status}, score ${sc.score} — ${sc.statusReason}`, Date.parse(sc.startedAt), Date.parse(sc.endedAt)),
  };
}
