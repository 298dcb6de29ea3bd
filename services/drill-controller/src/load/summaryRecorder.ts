/**
 * Aggregates the built-in engine's samples into the k6 `handleSummary` data shape:
 * `metrics.<name>.{type, contains, values, thresholds.<expr>.ok}`, with a sub-metric such as
 * `http_req_duration{scenario:fault}` for every threshold key that names one (as k6 does), and
 * thresholds evaluated like k6 (a metric with no samples is left out and its thresholds not run).
 */
import { BUILTIN_LOAD_METRIC, LOAD_METRIC, SUMMARY_TREND_STATS, type K6Contains, type K6MetricType, type K6Summary, type K6SummaryMetric } from '@drillbook/contracts';
import { CounterSink, RateSink, TrendSink } from './stats.js';
import { evaluateThreshold, parseMetricKey, parseThreshold, tagsMatch, type ParsedThreshold } from './thresholds.js';
import type { MetricInfo } from './pointsWriter.js';
import type { ThresholdMap, ThresholdResult } from './types.js';

/** Metrics the built-in engine emits, with k6's types for the built-ins. */
export const BUILTIN_ENGINE_METRICS: Readonly<Record<string, { type: K6MetricType; contains: K6Contains }>> = {
  http_reqs: { type: 'counter', contains: 'default' },
  http_req_duration: { type: 'trend', contains: 'time' },
  http_req_failed: { type: 'rate', contains: 'default' },
  dropped_iterations: { type: 'counter', contains: 'default' },
  [LOAD_METRIC.degraded]: { type: 'rate', contains: 'default' },
  [LOAD_METRIC.ndcg]: { type: 'trend', contains: 'default' },
  [LOAD_METRIC.schedLag]: { type: 'trend', contains: 'time' },
  [LOAD_METRIC.invalid]: { type: 'rate', contains: 'default' },
  [BUILTIN_LOAD_METRIC.writtenDuration]: { type: 'trend', contains: 'time' },
};

type Sink = TrendSink | RateSink | CounterSink;

interface Series {
  key: string;
  tags: Record<string, string>;
  sink: Sink;
  thresholds: ParsedThreshold[];
}

interface Entry {
  name: string;
  type: K6MetricType;
  contains: K6Contains;
  parent: Series;
  subs: Series[];
}

function newSink(type: K6MetricType): Sink {
  if (type === 'trend') return new TrendSink();
  if (type === 'rate') return new RateSink();
  return new CounterSink();
}

function sinkCount(s: Sink): number {
  if (s instanceof TrendSink) return s.count;
  if (s instanceof RateSink) return s.total;
  return s.count;
}

export class SummaryRecorder {
  private readonly entries = new Map<string, Entry>();

  constructor(thresholds: ThresholdMap) {
    for (const [name, m] of Object.entries(BUILTIN_ENGINE_METRICS)) {
      this.entries.set(name, {
        name,
        type: m.type,
        contains: m.contains,
        parent: { key: name, tags: {}, sink: newSink(m.type), thresholds: [] },
        subs: [],
      });
    }
    for (const [key, exprs] of Object.entries(thresholds)) {
      const mk = parseMetricKey(key);
      const entry = this.entries.get(mk.name);
      // A threshold on a metric this engine never emits is never evaluated (k6 skips unobserved metrics too).
      if (!entry) continue;
      const parsed = exprs.map((e, i) => parseThreshold(e, `thresholds["${key}"][${i}]`));
      if (Object.keys(mk.tags).length === 0) {
        entry.parent.thresholds.push(...parsed);
      } else {
        let sub = entry.subs.find((s) => s.key === key);
        if (!sub) {
          sub = { key, tags: mk.tags, sink: newSink(entry.type), thresholds: [] };
          entry.subs.push(sub);
        }
        sub.thresholds.push(...parsed);
      }
    }
  }

  add(metric: string, value: number, tags: Record<string, string>): void {
    const e = this.entries.get(metric);
    if (!e) throw new Error(`metric ${metric} is not one the built-in engine emits`);
    addTo(e.parent.sink, value);
    for (const s of e.subs) if (tagsMatch(s.tags, tags)) addTo(s.sink, value);
  }

  /** Metric descriptions for the `Metric` lines of the points file. */
  metricInfos(): Map<string, MetricInfo> {
    const out = new Map<string, MetricInfo>();
    for (const e of this.entries.values()) {
      out.set(e.name, {
        name: e.name,
        type: e.type,
        contains: e.contains,
        thresholds: e.parent.thresholds.map((t) => t.expr),
        submetrics: e.subs.length === 0 ? null : e.subs.map((s) => ({ name: s.key, suffix: s.key.slice(e.name.length + 1, -1), tags: s.tags })),
      });
    }
    return out;
  }

  summary(testRunDurationMs: number): { summary: K6Summary; thresholds: ThresholdResult[] } {
    const metrics: Record<string, K6SummaryMetric> = {};
    const results: ThresholdResult[] = [];
    for (const e of this.entries.values()) {
      for (const s of [e.parent, ...e.subs]) {
        if (sinkCount(s.sink) === 0) continue;
        const values = summaryValues(s.sink, testRunDurationMs);
        const m: K6SummaryMetric = { type: e.type, contains: e.contains, values };
        if (s.thresholds.length > 0) {
          m.thresholds = {};
          for (const t of s.thresholds) {
            const ok = evaluateThreshold(t, values);
            m.thresholds[t.expr] = { ok };
            results.push({ metric: s.key, expr: t.expr, ok });
          }
        }
        metrics[s.key] = m;
      }
    }
    const summary: K6Summary = {
      root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: [], checks: [] },
      options: { summaryTrendStats: [...SUMMARY_TREND_STATS], summaryTimeUnit: '', noColor: false },
      state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs },
      metrics,
    };
    return { summary, thresholds: results };
  }
}

function addTo(sink: Sink, value: number): void {
  if (sink instanceof RateSink) sink.add(value !== 0);
  else sink.add(value);
}

function summaryValues(sink: Sink, testRunDurationMs: number): Record<string, number> {
  if (sink instanceof TrendSink) return sink.summaryValues(SUMMARY_TREND_STATS);
  if (sink instanceof RateSink) return sink.summaryValues();
  return sink.summaryValues(testRunDurationMs);
}
