/**
 * Panel factories with the defaults these dashboards share: the `${datasource}` data source,
 * refIds A, B, C…, visible legends, last-value stats. Sizes are Grafana grid units (24 columns).
 */
import type { ThresholdsConfig, ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { MappingType, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS } from './datasource.js';
import { target, type Query } from './queries.js';

export interface PanelSpec {
  title: string;
  description: string;
  queries: Query[];
  unit?: string;
  /** Grid width (of 24) and height. */
  w: number;
  h: number;
  min?: number;
  max?: number;
  decimals?: number;
  /** Threshold steps: the first step's value is the base (-Infinity). */
  thresholds?: Array<{ value: number | null; color: string }>;
  mappings?: ValueMapping[];
  /** Text shown when a query returns nothing (instead of Grafana's "No data"). */
  noValue?: string;
}

function thresholds(steps: NonNullable<PanelSpec['thresholds']>): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps as ThresholdsConfig['steps']);
}

export function timeseries(spec: PanelSpec & { thresholdLines?: boolean }): TimeseriesPanelBuilder {
  const b = new TimeseriesPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .span(spec.w)
    .height(spec.h)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
    .fillOpacity(10)
    .lineWidth(1);
  spec.queries.forEach((q, i) => b.withTarget(target(q, i)));
  if (spec.unit) b.unit(spec.unit);
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  if (spec.decimals !== undefined) b.decimals(spec.decimals);
  if (spec.noValue) b.noValue(spec.noValue);
  if (spec.thresholds) {
    b.thresholds(thresholds(spec.thresholds));
    if (spec.thresholdLines) b.thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  return b;
}

export function stat(spec: PanelSpec & { textMode?: BigValueTextMode; sparkline?: boolean }): StatPanelBuilder {
  const b = new StatPanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .span(spec.w)
    .height(spec.h)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(BigValueColorMode.Value)
    .graphMode(spec.sparkline ? BigValueGraphMode.Area : BigValueGraphMode.None)
    .textMode(spec.textMode ?? BigValueTextMode.ValueAndName);
  spec.queries.forEach((q, i) => b.withTarget(target({ instant: !spec.sparkline, ...q }, i)));
  if (spec.unit) b.unit(spec.unit);
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  if (spec.decimals !== undefined) b.decimals(spec.decimals);
  if (spec.noValue) b.noValue(spec.noValue);
  if (spec.thresholds) b.thresholds(thresholds(spec.thresholds));
  if (spec.mappings) b.mappings(spec.mappings);
  return b;
}

/** Value -> text (and colour) mapping, e.g. 0 -> "No GPU". */
export function valueText(options: Record<string, { text: string; color: string }>): ValueMapping {
  return {
    type: MappingType.ValueToText,
    options: Object.fromEntries(Object.entries(options).map(([k, v], index) => [k, { ...v, index }])),
  };
}

export const GREEN = 'green';
export const ORANGE = 'orange';
export const RED = 'red';
export const BLUE = 'blue';
