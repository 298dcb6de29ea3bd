/**
 * SLIs of a service Drillbook does not instrument (Triton, KServe, TorchServe, MLServer, an in-house
 * API): figures from PromQL the operator configures per service (`services[].slis` in the controller
 * config), not from the generated Sloth recording rules. Each SLI is one error-ratio query with
 * Sloth's `{{.window}}` placeholder, e.g. for Triton:
 *
 *   sum(rate(nv_inference_request_failure{model="recsys"}[{{.window}}]))
 *     / (sum(rate(nv_inference_request_success{model="recsys"}[{{.window}}])) + sum(rate(nv_inference_request_failure{model="recsys"}[{{.window}}])))
 *
 * The query is evaluated over the SLO period (attainment, budget remaining) and over each alerting
 * window (burn rates), and every figure's `source.detail` names the exact query it came from.
 */
import type { DataSource, SloStatus } from '@drillbook/contracts';
import { PrometheusClient } from '@drillbook/alerts';
import { BURN_WINDOWS } from './sloFigures.js';
import { BURN_THRESHOLDS } from './sloKind.js';

export interface PromqlSli {
  name: string;
  title?: string;
  sli: SloStatus['sli'];
  /** Target good ratio, e.g. 0.999. */
  objective: number;
  /** Rolling period, e.g. "30d" (Prometheus duration in days). */
  period: string;
  /** PromQL returning the bad/total ratio (0..1) over `{{.window}}`. */
  errorRatio: string;
}

/** Sloth's and OpenSLO's window placeholder, with any inner spacing. */
export const WINDOW = /\{\{\s*\.window\s*\}\}/g;

export function withWindow(query: string, window: string): string {
  return query.replace(WINDOW, window);
}

/** Days of a `<n>d` period, or null when it is not one. */
export function periodDays(period: string): number | null {
  const m = /^(\d+)d$/.exec(period);
  return m && Number(m[1]) > 0 ? Number(m[1]) : null;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref())]);
}

export class PromqlSliSource {
  private readonly client: PrometheusClient | null;

  constructor(
    /** Prometheus base URL; undefined when the controller has none configured. */
    readonly url: string | undefined,
    private readonly service: string,
    private readonly slis: readonly PromqlSli[],
    private readonly timeoutMs = 3000,
  ) {
    this.client = url ? new PrometheusClient(url) : null;
  }

  /** One scalar from an instant query: the single sample's value, null when none or not finite. */
  private async ratio(query: string): Promise<number | null> {
    const samples = await withTimeout(this.client!.query(query), this.timeoutMs, `Prometheus query ${query}`);
    if (samples.length > 1) throw new Error(`returned ${samples.length} series; an SLI query must aggregate to one (wrap it in sum(...))`);
    const v = samples[0]?.value;
    return v === undefined || !Number.isFinite(v) ? null : v;
  }

  async collect(now = Date.now()): Promise<SloStatus[]> {
    const at = new Date(now).toISOString();
    return Promise.all(this.slis.map((s, i) => this.one(s, i, at)));
  }

  private async one(s: PromqlSli, i: number, at: string): Promise<SloStatus> {
    const where = `services[${this.service}].slis[${i}].errorRatio`;
    const periodQuery = withWindow(s.errorRatio, s.period);
    const base: SloStatus = {
      name: `${this.service}-${s.name}`,
      title: s.title ?? s.name,
      sli: s.sli,
      objective: s.objective,
      periodDays: periodDays(s.period) ?? 0,
      attainment: null,
      errorBudgetRemaining: null,
      burnRate: null,
      burnRates: BURN_WINDOWS.map((w) => ({ window: w, value: null })),
      thresholds: BURN_THRESHOLDS,
      budgetHistory: [],
      source: { kind: 'none', at, detail: `configured PromQL (${where}) needs a Prometheus: set "prometheus.url" in the controller config` },
    };
    if (!this.client) return base;
    const source: DataSource = { kind: 'prometheus', url: this.url, at, detail: `configured PromQL (${where}), over ${s.period}: ${periodQuery}` };
    try {
      const budget = 1 - s.objective;
      const [period, ...windows] = await Promise.all([this.ratio(periodQuery), ...BURN_WINDOWS.map((w) => this.ratio(withWindow(s.errorRatio, w)))]);
      if (period === null) source.detail = `configured PromQL (${where}) returned no sample (no traffic, or the series are not scraped): ${periodQuery}`;
      const burnRates = BURN_WINDOWS.map((w, k) => ({ window: w, value: windows[k] === null ? null : round(windows[k]! / budget) }));
      return {
        ...base,
        attainment: period === null ? null : round(1 - period),
        errorBudgetRemaining: period === null ? null : round(1 - period / budget),
        burnRate: burnRates[0].value,
        burnRates,
        source,
      };
    } catch (e) {
      return { ...base, source: { ...source, detail: `configured PromQL (${where}) failed: ${(e as Error).message}` } };
    }
  }
}
