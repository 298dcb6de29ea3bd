/**
 * k6 threshold expressions (`p(99)<250`, `rate<0.001`, `count>=0`, `max>=0`) and metric keys with
 * sub-metric selectors (`http_req_duration{scenario:fault}`), parsed and evaluated the way k6 does,
 * so the built-in engine reports the same `thresholds.<expr>.ok` as k6 would.
 */
import { InvalidLoadPlan } from './errors.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ParsedThreshold {
  expr: string;
  /** Aggregation: avg, min, max, med, count, rate, value, or p(N). */
  stat: string;
  op: ThresholdOp;
  value: number;
}

const THRESHOLD_RE = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

export function parseThreshold(expr: string, field = 'thresholds'): ParsedThreshold {
  const m = THRESHOLD_RE.exec(expr);
  if (!m) throw new InvalidLoadPlan(field, `a k6 threshold like "p(99)<250" or "rate<0.01", got "${expr}"`);
  return { expr, stat: m[1], op: m[2] as ThresholdOp, value: Number(m[3]) };
}

export function compare(left: number, op: ThresholdOp, right: number): boolean {
  switch (op) {
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '==':
    case '===':
      return left === right;
    case '!=':
      return left !== right;
  }
}

/** Evaluates a threshold against a summary metric's `values`; a missing stat fails the threshold. */
export function evaluateThreshold(t: ParsedThreshold, values: Record<string, number>): boolean {
  const v = values[t.stat];
  return typeof v === 'number' && compare(v, t.op, t.value);
}

export interface MetricKey {
  key: string;
  name: string;
  /** Sub-metric selector tags; empty for the parent metric. */
  tags: Record<string, string>;
}

/** `http_req_duration{scenario:fault,status:200}` -> name + tags. */
export function parseMetricKey(key: string): MetricKey {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\{([^}]*)\})?$/.exec(key);
  if (!m) throw new InvalidLoadPlan(`thresholds["${key}"]`, 'a metric name, optionally with a {tag:value} selector');
  const tags: Record<string, string> = {};
  if (m[2] !== undefined) {
    for (const part of m[2].split(',')) {
      const idx = part.indexOf(':');
      if (idx <= 0) throw new InvalidLoadPlan(`thresholds["${key}"]`, 'sub-metric tags written as {tag:value}');
      tags[part.slice(0, idx).trim()] = part.slice(idx + 1).trim();
    }
  }
  return { key, name: m[1], tags };
}

export function tagsMatch(selector: Record<string, string>, tags: Record<string, string>): boolean {
  for (const k in selector) if (tags[k] !== selector[k]) return false;
  return true;
}
