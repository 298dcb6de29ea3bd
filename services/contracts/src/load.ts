/**
 * Load output shapes. Both engines (real k6 and the built-in open-model engine) write these:
 * the k6 `handleSummary` data object and k6 `--out json` lines.
 */

export type K6MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type K6Contains = 'default' | 'time' | 'data';

export interface K6SummaryMetric {
  type: K6MetricType;
  contains: K6Contains;
  /** trend: avg/min/med/max/p(90)/p(95)/p(99)/count; rate: rate/passes/fails; counter: count/rate; gauge: value/min/max. */
  values: Record<string, number>;
  /** `ok: true` means the threshold passed. */
  thresholds?: Record<string, { ok: boolean }>;
}

export interface K6Summary {
  metrics: Record<string, K6SummaryMetric>;
  options?: { summaryTrendStats?: string[]; summaryTimeUnit?: string; noColor?: boolean };
  state: { testRunDurationMs: number; isStdOutTTY?: boolean; isStdErrTTY?: boolean };
  root_group?: unknown;
}

export interface K6MetricLine {
  type: 'Metric';
  metric: string;
  data: { name: string; type: K6MetricType; contains: K6Contains; thresholds: string[]; submetrics: unknown };
}

export interface K6PointLine {
  type: 'Point';
  metric: string;
  data: { time: string; value: number; tags: Record<string, string> };
}

export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'] as const;

/** Custom metrics both engines emit besides k6's built-ins. */
export const LOAD_METRIC = {
  degraded: 'recsys_degraded',
  ndcg: 'recsys_ndcg',
  schedLag: 'drillbook_schedule_lag',
  /** 1 when a 2xx answer did not fit the target's protocol adapter (tag `error`: the field and what was expected); the request counts as failed. */
  invalid: 'drillbook_response_invalid',
} as const;

/**
 * Metrics only the built-in engine emits (to its summary, not its points). `writtenDuration`: the
 * written-to-answered interval of each request, from the moment its connection was ready and the
 * request was written until the answer's last byte (k6's `http_req_duration` = sending + waiting +
 * receiving), so the two engines can be compared on the same interval; `http_req_duration` of the
 * built-in engine stays timed from the SCHEDULED send (the open-model latency a drill judges).
 */
export const BUILTIN_LOAD_METRIC = {
  writtenDuration: 'drillbook_http_req_written_duration',
} as const;
