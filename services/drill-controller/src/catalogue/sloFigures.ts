/**
 * SLO figures from observed counters: attainment and budget over the observed window, burn rate
 * per alerting window (error ratio / error budget), and a budget burn-down. Pure functions.
 */
import type { BurnRateReading } from '@drillbook/contracts';
import type { CounterPoint, SloHistory } from './history.js';

export const BURN_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
const WINDOW_MS: Record<string, number> = { '5m': 300_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000, '6h': 21_600_000, '1d': 86_400_000, '3d': 259_200_000 };

export interface SliShape {
  objective: number;
  /** Whether the counted events are good or bad ones. */
  form: 'good' | 'bad';
}

export interface ObservedFigures {
  attainment: number | null;
  errorBudgetRemaining: number | null;
  burnRate: number | null;
  /** The window `burnRate` is over ("5m", or the observed span when shorter). */
  burnRateWindow: string | null;
  burnRates: BurnRateReading[];
  budgetHistory: Array<{ t: string; remaining: number }>;
  observedMs: number;
  events: number;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Share of bad events between two points; null when no event happened between them. */
export function errorRatio(from: CounterPoint, to: CounterPoint, form: SliShape['form']): number | null {
  const total = to.total - from.total;
  if (total <= 0) return null;
  const counted = to.events - from.events;
  const bad = form === 'good' ? total - counted : counted;
  return Math.min(1, Math.max(0, bad / total));
}

export function formatSpan(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

export function observedFigures(slo: SliShape, h: SloHistory, intervalMs: number): ObservedFigures {
  const first = h.first;
  const last = h.last;
  const budget = 1 - slo.objective;
  const none: ObservedFigures = { attainment: null, errorBudgetRemaining: null, burnRate: null, burnRateWindow: null, burnRates: BURN_WINDOWS.map((w) => ({ window: w, value: null })), budgetHistory: [], observedMs: 0, events: 0 };
  if (!first || !last || last === first) return { ...none, observedMs: first && last ? last.t - first.t : 0 };
  const observedMs = last.t - first.t;
  const all = errorRatio(first, last, slo.form);
  const burnRates = BURN_WINDOWS.map((w) => {
    const from = h.at(last.t - WINDOW_MS[w], Math.max(intervalMs, WINDOW_MS[w] * 0.02));
    const r = from && from !== last ? errorRatio(from, last, slo.form) : null;
    return { window: w, value: r === null ? null : round(r / budget) };
  });
  const fiveMin = burnRates[0];
  let burnRate = fiveMin.value;
  let burnRateWindow: string | null = fiveMin.value === null ? null : '5m';
  if (burnRate === null && observedMs < WINDOW_MS['5m'] && all !== null) {
    burnRate = round(all / budget);
    burnRateWindow = formatSpan(observedMs);
  }
  const budgetHistory: ObservedFigures['budgetHistory'] = [];
  const step = Math.max(1, Math.floor(h.points.length / 30));
  for (let i = step; i < h.points.length; i += step) {
    const r = errorRatio(first, h.points[i], slo.form);
    if (r !== null) budgetHistory.push({ t: new Date(h.points[i].t).toISOString(), remaining: round(1 - r / budget) });
  }
  return {
    attainment: all === null ? null : round(1 - all),
    errorBudgetRemaining: all === null ? null : round(1 - all / budget),
    burnRate,
    burnRateWindow,
    burnRates,
    budgetHistory,
    observedMs,
    events: last.total - first.total,
  };
}
