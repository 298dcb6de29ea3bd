/** The shape of a `promtool test rules` file, and the value notation of its input series. */
import { formatNumber } from '../spec/model.js';
import type { InputSeries } from '../rules/platform/types.js';

export interface ExpectedPromtoolAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}

export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedPromtoolAlert[];
}

export interface PromqlExprTest {
  expr: string;
  eval_time: string;
  exp_samples: Array<{ labels: string; value: number }>;
}

export interface TestGroup {
  name: string;
  interval: string;
  input_series: InputSeries[];
  alert_rule_test: AlertRuleTest[];
  promql_expr_test?: PromqlExprTest[];
}

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  /**
   * Without it promtool evaluates groups in random order, so an alert may read the recordings of
   * the previous evaluation. Real Prometheus has that lag too; the tests pin the order so that
   * "fires N minutes in" is exact.
   */
  group_eval_order: string[];
  tests: TestGroup[];
}

/**
 * Expanding notation for a counter that starts at 0 at minute 0 and grows by `perMinute[i]` in
 * minute i+1: consecutive equal increments become one `start+stepxN` segment.
 */
export function counterValues(perMinute: readonly number[]): string {
  const segments: string[] = ['0'];
  let value = 0;
  let i = 0;
  while (i < perMinute.length) {
    const step = perMinute[i];
    let n = 1;
    while (i + n < perMinute.length && perMinute[i + n] === step) n++;
    const start = value + step;
    segments.push(n === 1 ? formatNumber(start) : `${formatNumber(start)}+${formatNumber(step)}x${n - 1}`);
    value += step * n;
    i += n;
  }
  return segments.join(' ');
}

export function minutes(m: number): string {
  return `${m}m`;
}
