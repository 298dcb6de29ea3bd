/**
 * A small client for the Prometheus HTTP API (v1): instant and range queries, active alerts, rule
 * and target health, and polling helpers for tests. Every API error becomes a
 * `PrometheusQueryError` carrying Prometheus' `errorType` (e.g. `bad_data` for a parse error).
 */
import { PrometheusError, PrometheusQueryError } from '../errors.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
  /** Unix seconds. */
  timestamp: number;
}

export interface RangeSeries {
  labels: Record<string, string>;
  values: Array<{ timestamp: number; value: number }>;
}

export interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  /** When the alert became active (pending, or firing for alerts without `for`). */
  activeAt: Date;
  value: number;
}

export interface RuleStatus {
  name: string;
  query: string;
  type: 'recording' | 'alerting';
  health: 'ok' | 'err' | 'unknown';
  lastError?: string;
  lastEvaluation: string;
}

export interface RuleGroupStatus {
  name: string;
  file: string;
  rules: RuleStatus[];
}

export interface TargetStatus {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

type ApiResponse<T> = { status: 'success'; data: T } | { status: 'error'; errorType: string; error: string };

const toNumber = (v: string): number => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v));

export class PrometheusClient {
  constructor(readonly baseUrl: string) {}

  private async api<T>(path: string, params: Record<string, string> = {}, description = path): Promise<T> {
    const body = new URLSearchParams(params);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/v1/${path}`, {
        method: Object.keys(params).length > 0 ? 'POST' : 'GET',
        body: Object.keys(params).length > 0 ? body : undefined,
        headers: Object.keys(params).length > 0 ? { 'content-type': 'application/x-www-form-urlencoded' } : undefined,
      });
    } catch (err) {
      throw new PrometheusError(`could not reach Prometheus at ${this.baseUrl}`, { cause: err });
    }
    const text = await res.text();
    let json: ApiResponse<T>;
    try {
      json = JSON.parse(text) as ApiResponse<T>;
    } catch {
      throw new PrometheusError(`Prometheus answered ${res.status} to ${path} with non-JSON: ${text.slice(0, 200)}`);
    }
    if (json.status === 'error') throw new PrometheusQueryError(description, json.errorType, json.error);
    return json.data;
  }

  /** Instant query; a scalar result comes back as one sample without labels. */
  async query(expr: string, at?: Date): Promise<Sample[]> {
    const params: Record<string, string> = { query: expr };
    if (at) params.time = String(at.getTime() / 1000);
    const data = await this.api<{ resultType: string; result: unknown }>('query', params, expr);
    if (data.resultType === 'vector') {
      return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({
        labels: r.metric,
        timestamp: r.value[0],
        value: toNumber(r.value[1]),
      }));
    }
    if (data.resultType === 'scalar') {
      const [ts, v] = data.result as [number, string];
      return [{ labels: {}, timestamp: ts, value: toNumber(v) }];
    }
    throw new PrometheusError(`query ${JSON.stringify(expr)} returned a ${data.resultType}, expected an instant vector or scalar`);
  }

  async queryRange(expr: string, start: Date, end: Date, stepSeconds: number): Promise<RangeSeries[]> {
    const data = await this.api<{ resultType: string; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
      'query_range',
      { query: expr, start: String(start.getTime() / 1000), end: String(end.getTime() / 1000), step: String(stepSeconds) },
      expr,
    );
    return data.result.map((r) => ({ labels: r.metric, values: r.values.map(([t, v]) => ({ timestamp: t, value: toNumber(v) })) }));
  }

  async alerts(): Promise<ActiveAlert[]> {
    const data = await this.api<{ alerts: Array<Omit<ActiveAlert, 'activeAt' | 'value'> & { activeAt: string; value: string }> }>('alerts');
    return data.alerts.map((a) => ({ ...a, activeAt: new Date(a.activeAt), value: toNumber(a.value) }));
  }

  async rules(): Promise<RuleGroupStatus[]> {
    const data = await this.api<{ groups: RuleGroupStatus[] }>('rules');
    return data.groups;
  }

  async targets(): Promise<TargetStatus[]> {
    const data = await this.api<{ activeTargets: TargetStatus[] }>('targets');
    return data.activeTargets;
  }

  async ready(): Promise<boolean> {
    try {
      const res = await fetch(`${this.baseUrl}/-/ready`);
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Polls `probe` until it returns a value (not null/undefined/false) or the timeout passes. */
  async waitFor<T>(probe: () => Promise<T | null | undefined | false>, opts: WaitOptions = {}): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const intervalMs = opts.intervalMs ?? 250;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await probe();
      if (got !== null && got !== undefined && got !== false) return got;
      if (Date.now() >= deadline) throw new PrometheusError(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? 'a condition'}`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  /** Waits until an alert named `name` (and carrying `labels`) is in `state` (default firing). */
  waitForAlert(
    name: string,
    opts: WaitOptions & { state?: 'pending' | 'firing'; labels?: Record<string, string> } = {},
  ): Promise<ActiveAlert> {
    const state = opts.state ?? 'firing';
    return this.waitFor(
      async () =>
        (await this.alerts()).find(
          (a) => a.labels.alertname === name && a.state === state && Object.entries(opts.labels ?? {}).every(([k, v]) => a.labels[k] === v),
        ),
      { ...opts, what: opts.what ?? `alert ${name} to be ${state}` },
    );
  }
}
