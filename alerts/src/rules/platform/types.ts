/** A non-SLO alert together with the behaviour cases its generated promtool tests check. */
import type { AlertingRule } from '../types.js';

export interface InputSeries {
  /** Series in PromQL notation, e.g. `up{job="recsys-replica",instance="r1"}`. */
  series: string;
  /** promtool expanding notation, e.g. `0+10x30` or `1x20`. */
  values: string;
}

export interface ExpectedAlert {
  /** Labels of the firing series as the expression returns them; the rule's own labels are added. */
  labels: Record<string, string>;
  /** The alert's value, used to render `$value` in the expected annotations. */
  value: number;
}

export interface AlertCheck {
  /** Evaluation time, e.g. "10m". */
  at: string;
  /** Every alert of this rule firing at `at` (empty: none). */
  firing: ExpectedAlert[];
}

export interface AlertCase {
  /** A sentence: what a user would notice. */
  name: string;
  series: InputSeries[];
  checks: AlertCheck[];
}

export interface PlatformAlert {
  rule: AlertingRule;
  cases: AlertCase[];
}
