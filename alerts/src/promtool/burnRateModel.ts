/**
 * A model of what the burn-rate alerts should do with a given traffic history, minute by minute.
 * The generated promtool tests state these expectations and promtool checks the real rules against
 * them; a disagreement is a bug in the rules (or in this model), never silently accepted. Checks are
 * only placed where every window is clearly (5%) on one side of its threshold.
 */
import { formatNumber, type SloModel } from '../spec/model.js';
import { windowPairs } from '../rules/burnRateAlerts.js';
import type { Severity } from '../rules/types.js';
import { durationMinutes } from '../rules/windows.js';

export interface TrafficPhase {
  minutes: number;
  eventsPerMinute: number;
  /** Share of the phase's events that are bad (errors, slow or degraded). */
  errorRatio: number;
}

/** Cumulative event counts sampled every minute, starting at 0 at minute 0. */
export class Traffic {
  readonly total: number[] = [0];
  readonly bad: number[] = [0];
  constructor(readonly phases: readonly TrafficPhase[]) {
    for (const p of phases) {
      for (let i = 0; i < p.minutes; i++) {
        this.total.push(this.total[this.total.length - 1] + p.eventsPerMinute);
        this.bad.push(this.bad[this.bad.length - 1] + p.eventsPerMinute * p.errorRatio);
      }
    }
  }
  /** Last sampled minute. */
  get end(): number {
    return this.total.length - 1;
  }
}

export const MARGIN = 0.05;

type Truth = 'yes' | 'no' | 'unsure';

/** Compares `value` with `threshold` (strictly greater, or >= with `inclusive`), unsure within the margin. */
function compare(value: number | undefined, threshold: number): Truth {
  if (value === undefined) return 'no';
  if (value >= threshold * (1 + MARGIN)) return 'yes';
  if (value <= threshold * (1 - MARGIN)) return 'no';
  return 'unsure';
}

function and(...ts: Truth[]): Truth {
  if (ts.includes('no')) return 'no';
  return ts.includes('unsure') ? 'unsure' : 'yes';
}

function or(...ts: Truth[]): Truth {
  if (ts.includes('yes')) return 'yes';
  return ts.includes('unsure') ? 'unsure' : 'no';
}

/**
 * What `rate()` over `[window]` at minute `t` gives for one counter: samples are 1m apart from minute 0
 * and start at 0, so a window reaching before minute 0 is not extrapolated past the first sample.
 */
function increase(series: number[], t: number, window: number): number | undefined {
  const first = Math.max(0, t - window);
  if (t - first < 1) return undefined;
  return series[t] - series[first];
}

export function errorRatio(traffic: Traffic, t: number, windowMinutes: number): number | undefined {
  const total = increase(traffic.total, t, windowMinutes);
  const bad = increase(traffic.bad, t, windowMinutes);
  if (total === undefined || bad === undefined || total <= 0) return undefined;
  return bad / total;
}

export function eventsPerSecond(traffic: Traffic, t: number, windowMinutes: number): number | undefined {
  const total = increase(traffic.total, t, windowMinutes);
  return total === undefined ? undefined : total / (windowMinutes * 60);
}

/** Whether the alert of `severity` fires at minute `t`: yes, no, or too close to a threshold to say. */
export function alertState(slo: SloModel, traffic: Traffic, t: number, severity: Severity): Truth {
  return or(
    ...windowPairs(severity).map((pair) => {
      const threshold = pair.burnRate * slo.errorBudget;
      const short = durationMinutes(pair.shortWindow);
      const long = durationMinutes(pair.longWindow);
      const terms = [compare(errorRatio(traffic, t, short), threshold), compare(errorRatio(traffic, t, long), threshold)];
      if (slo.minEventsPerSecond !== null) terms.push(compare(eventsPerSecond(traffic, t, short), slo.minEventsPerSecond));
      return and(...terms);
    }),
  );
}

/** The first minute after `from` at which the alert surely fires, with the last minute before it that surely does not. */
export function detection(
  slo: SloModel,
  traffic: Traffic,
  from: number,
  severity: Severity,
): { quietAt: number; firingAt: number } | null {
  let quietAt = -1;
  for (let t = from; t <= traffic.end; t++) {
    const s = alertState(slo, traffic, t, severity);
    if (s === 'no') quietAt = t;
    if (s === 'yes') return quietAt < 0 ? null : { quietAt, firingAt: t };
  }
  return null;
}

export function describeBurn(burn: number): string {
  return `${formatNumber(Number(burn.toPrecision(3)))}x`;
}
