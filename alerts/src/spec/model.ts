/** The one model every processor reads: an SLO spec after validation, defaults and rewriting. */
import type { Selector } from '../promql/selector.js';

export type SliForm = 'good' | 'bad';

export interface SloModel {
  /** Spec file, relative to the directory specs were loaded from (used in messages and stamps). */
  file: string;
  service: string;
  /** metadata.name: the `sloth_slo` label. */
  name: string;
  /** `<service>-<name>`: the `sloth_id` label. */
  id: string;
  displayName: string;
  description: string;
  /** Target ratio, e.g. 0.999. */
  objective: number;
  /** 1 - objective, rounded to 12 significant digits. */
  errorBudget: number;
  /** Rolling period, e.g. "30d". */
  period: string;
  periodDays: number;
  /** Whether `events` counts good or bad events. */
  form: SliForm;
  events: Selector;
  total: Selector;
  /** Latency threshold when `events` selects a histogram bucket. */
  threshold: { seconds: number; le: string } | null;
  /** metadata.labels, copied onto every rule and kept by the alert aggregation. */
  labels: Record<string, string>;
  alertPrefix: string;
  minEventsPerSecond: number;
  syntheticTraffic: 'exclude' | 'include';
}

/** Numbers as they appear in generated PromQL and YAML: at most 12 significant digits, no float noise. */
export function formatNumber(n: number): string {
  return String(Number(n.toPrecision(12)));
}
