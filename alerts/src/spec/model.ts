/** The one model every processor reads: an SLO spec after validation, defaults and rewriting. */
import type { Selector } from '../promql/selector.js';

export type SliForm = 'good' | 'bad';

export interface SloModel {
  /** Spec file, relative to the directory specs were loaded from (used in messages and stamps). */
  file: string;
  service: string;
  /** metadata.name (file names, messages, display). */
  name: string;
  /**
   * The `sloth_slo` label: `<name>-0`. Sloth names an SLO read from OpenSLO `<name>-<objective index>`
   * (one Sloth SLO per objective); Drillbook specs have exactly one objective.
   */
  slothSlo: string;
  /** `<service>-<name>`: the SLO's key in Drillbook (catalogue, API, messages, test files). */
  id: string;
  /** `<service>-<slothSlo>`: the `sloth_id` label and Sloth's group names, as Sloth builds them. */
  slothId: string;
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
  /**
   * Opt-in minimum-traffic gate (annotation `drillbook.dev/min-events-per-second`): each window
   * pair of the alerts also needs this many events/s over its short window. null (the default):
   * no gate, as Sloth.
   */
  minEventsPerSecond: number | null;
  syntheticTraffic: 'exclude' | 'include';
}

/**
 * The `sloth_slo` of an SLO named `name`: Sloth names the SLOs it reads from OpenSLO
 * `<metadata.name>-<objective index>`, and a Drillbook spec has one objective.
 */
export function slothSloName(name: string): string {
  return `${name}-0`;
}

/** Numbers as they appear in generated PromQL and YAML: at most 12 significant digits, no float noise. */
export function formatNumber(n: number): string {
  return String(Number(n.toPrecision(12)));
}
