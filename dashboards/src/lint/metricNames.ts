/**
 * Which metric names a PromQL expression reads, and which names a dashboard may read: the metric
 * contract (with histogram series suffixes), the DCGM exporter series, the recording rules the
 * alerts generator writes, and Prometheus' own `up` and `ALERTS`.
 */
import { DCGM, METRIC, MODEL_STORE_METRIC, SLO_RECORDING, SLO_WINDOWS } from '@drillbook/contracts';
import { alertWindows, SLO_INFO, SLO_TIME_PERIOD_DAYS, sliEventsRate } from '@drillbook/alerts';

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'inf', 'nan', 'Inf', 'NaN']);

/** Metric names in an expression: identifiers that are not functions, keywords, labels or strings. */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = stripped.slice(m.index! + m[0].length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(m[0])) continue;
    if (m.index! > 0 && /[0-9.]/.test(stripped[m.index! - 1])) continue; // 1e3, 0.5m
    names.add(m[0]);
  }
  return [...names].sort();
}

export function knownMetricNames(): Set<string> {
  const known = new Set<string>(['up', 'ALERTS']);
  for (const name of [...Object.values(METRIC), ...Object.values(MODEL_STORE_METRIC)]) {
    known.add(name);
    for (const suffix of ['_bucket', '_sum', '_count']) known.add(`${name}${suffix}`);
  }
  for (const name of Object.values(DCGM)) known.add(name);
  for (const w of new Set([...alertWindows(), ...SLO_WINDOWS])) {
    known.add(SLO_RECORDING.errorRatio(w));
    known.add(sliEventsRate(w));
  }
  for (const v of [SLO_RECORDING.objective, SLO_RECORDING.errorBudget, SLO_RECORDING.currentBurnRate, SLO_RECORDING.periodBurnRate, SLO_RECORDING.periodBudgetRemaining, SLO_INFO, SLO_TIME_PERIOD_DAYS]) {
    known.add(v);
  }
  return known;
}
