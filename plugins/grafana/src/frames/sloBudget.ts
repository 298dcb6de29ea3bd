import type { DataFrame } from '@grafana/data';
import { BURN_RATE_ALERTS, SLO_RECORDING } from '@drillbook/contracts';
import { framesEmpty } from './fieldAccess';
import type { ReadResult } from './model';
import { readSamples, type Sample } from './promSamples';

export interface BurnWindowReading {
  severity: 'page' | 'ticket';
  threshold: number;
  longWindow: string;
  shortWindow: string;
  /** Burn rate over the long window (error ratio / error budget), null without data. */
  long: number | null;
  short: number | null;
  /** Both windows above the threshold: the multiwindow alert condition. null when a window lacks data. */
  firing: boolean | null;
}

export interface SloBudgetRow {
  service: string;
  slo: string;
  objective: number | null;
  periodWindow: string;
  /** Good ratio over the period window (1 - error ratio). */
  attainment: number | null;
  /** Share of the period's error budget left (may go below 0). */
  budgetRemaining: number | null;
  currentBurnRate: number | null;
  windows: BurnWindowReading[];
  /** Recording rules this SLO lacks in the data. */
  missing: string[];
}

export interface SloBudgetReadOptions {
  /** The SLO period's window, as in `slo:sli_error:ratio_rate<window>`. */
  periodWindow?: string;
}

const ERROR_RATIO_PREFIX = SLO_RECORDING.errorRatio('');

/** The PromQL that feeds the panel: every Sloth recording it reads, for one service. */
export function sloBudgetQuery(serviceMatcher = '$service'): string {
  const names = [
    `${ERROR_RATIO_PREFIX}.+`,
    SLO_RECORDING.objective,
    SLO_RECORDING.errorBudget,
    SLO_RECORDING.currentBurnRate,
    SLO_RECORDING.periodBudgetRemaining,
  ].join('|');
  return `{__name__=~"${names}", sloth_service=~"${serviceMatcher}"}`;
}

/**
 * Reads Sloth-compatible recording rules (labels `sloth_service`, `sloth_slo`, `sloth_window`) into
 * one row per SLO: attainment, budget remaining and the multiwindow burn rates against the page and
 * ticket thresholds of `BURN_RATE_ALERTS`. Figures the data lacks stay null; nothing is invented.
 */
export function readSloBudget(frames: DataFrame[] | undefined, options: SloBudgetReadOptions = {}): ReadResult<SloBudgetRow[]> {
  if (framesEmpty(frames)) {
    return { ok: false, reason: 'no-data', message: 'No data' };
  }
  const periodWindow = options.periodWindow ?? '30d';
  const samples = readSamples(frames).filter((s) => s.metric?.startsWith('slo:'));
  if (samples.length === 0) {
    return { ok: false, reason: 'unrecognised', message: 'No Sloth SLO recording rules (slo:*) in the data' };
  }
  const unlabelled = samples.filter((s) => !s.labels.sloth_service || !s.labels.sloth_slo);
  if (unlabelled.length === samples.length) {
    return {
      ok: false,
      reason: 'missing-field',
      message: `The slo:* series carry no sloth_service / sloth_slo labels (first: ${unlabelled[0].metric})`,
    };
  }
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    if (!s.labels.sloth_service || !s.labels.sloth_slo) {
      continue;
    }
    const key = `${s.labels.sloth_service}\u0000${s.labels.sloth_slo}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const rows = [...groups.values()].map((g) => toRow(g, periodWindow));
  rows.sort((a, b) => a.service.localeCompare(b.service) || a.slo.localeCompare(b.slo));
  return { ok: true, value: rows };
}

function toRow(group: Sample[], periodWindow: string): SloBudgetRow {
  const get = (metric: string) => group.find((s) => s.metric === metric && s.value !== null)?.value ?? null;
  const has = (metric: string) => group.some((s) => s.metric === metric);
  const errorRatio = (window: string): number | null => {
    const byName = get(SLO_RECORDING.errorRatio(window));
    if (byName !== null) {
      return byName;
    }
    return group.find((s) => s.metric?.startsWith(ERROR_RATIO_PREFIX) && s.labels.sloth_window === window && s.value !== null)?.value ?? null;
  };
  const missing: string[] = [];
  let objective = get(SLO_RECORDING.objective);
  let budget = get(SLO_RECORDING.errorBudget);
  if (objective === null && budget !== null) {
    objective = 1 - budget;
  }
  if (budget === null && objective !== null) {
    budget = 1 - objective;
  }
  if (objective === null && budget === null) {
    missing.push(`${SLO_RECORDING.objective} or ${SLO_RECORDING.errorBudget}`);
  }
  const burn = (ratio: number | null) => (ratio === null || budget === null || budget <= 0 ? null : ratio / budget);

  const periodRatio = errorRatio(periodWindow);
  if (periodRatio === null) {
    missing.push(SLO_RECORDING.errorRatio(periodWindow));
  }
  const remaining = get(SLO_RECORDING.periodBudgetRemaining);
  if (!has(SLO_RECORDING.periodBudgetRemaining)) {
    missing.push(SLO_RECORDING.periodBudgetRemaining);
  }
  let current = get(SLO_RECORDING.currentBurnRate);
  if (current === null) {
    current = burn(errorRatio('5m'));
  }
  if (current === null) {
    missing.push(SLO_RECORDING.currentBurnRate);
  }
  const windows: BurnWindowReading[] = BURN_RATE_ALERTS.map((a) => {
    const long = burn(errorRatio(a.longWindow));
    const short = burn(errorRatio(a.shortWindow));
    for (const [w, v] of [
      [a.longWindow, long],
      [a.shortWindow, short],
    ] as const) {
      const name = SLO_RECORDING.errorRatio(w);
      if (v === null && budget !== null && !missing.includes(name)) {
        missing.push(name);
      }
    }
    return {
      severity: a.severity,
      threshold: a.burnRate,
      longWindow: a.longWindow,
      shortWindow: a.shortWindow,
      long,
      short,
      firing: long === null || short === null ? null : long > a.burnRate && short > a.burnRate,
    };
  });
  return {
    service: group[0].labels.sloth_service,
    slo: group[0].labels.sloth_slo,
    objective,
    periodWindow,
    attainment: periodRatio === null ? null : 1 - periodRatio,
    budgetRemaining: remaining,
    currentBurnRate: current,
    windows,
    missing,
  };
}
