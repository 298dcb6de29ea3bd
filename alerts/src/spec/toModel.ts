/**
 * A schema-valid OpenSLO document -> `SloModel`: parses the indicator queries, applies the
 * synthetic-traffic rule, lints histogram buckets and reads Drillbook's annotations. Every problem
 * is located at the field that causes it.
 */
import { METRIC_LABELS, type OpenSloSlo } from '@drillbook/contracts';
import type { SpecProblem } from '../errors.js';
import { parseRateQuery, PromqlSyntaxError, type Selector } from '../promql/selector.js';
import { SLO_ANNOTATION } from './annotations.js';
import { histogramOf, lintBucketSelector } from './buckets.js';
import { problemAt, type PathSegment, type SourceDocument } from './document.js';
import { formatNumber, slothSloName, type SloModel } from './model.js';

const RATIO = ['spec', 'indicator', 'spec', 'ratioMetric'] as const;
const queryPath = (which: 'good' | 'bad' | 'total'): PathSegment[] => [...RATIO, which, 'metricSource', 'spec', 'query'];

/** Metrics of the contract that carry the `synthetic` label (histograms with their series suffixes). */
function carriesSyntheticLabel(metric: string): boolean {
  const base = metric.replace(/_(bucket|count|sum)$/, '');
  const labels = (METRIC_LABELS as Record<string, readonly string[]>)[base] ?? (METRIC_LABELS as Record<string, readonly string[]>)[metric];
  return labels?.includes('synthetic') ?? false;
}

function pascalCase(s: string): string {
  return s
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

export function toModel(src: SourceDocument, relFile: string, slo: OpenSloSlo): { model: SloModel | null; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const at = (path: readonly PathSegment[], message: string) => problems.push(problemAt(src, path, message));
  const ratio = slo.spec.indicator.spec.ratioMetric;

  if (ratio.good && ratio.bad) at([...RATIO, 'bad'], 'set either "good" or "bad", not both');
  if (!ratio.good && !ratio.bad) at([...RATIO], 'missing "good" or "bad": the SLI is good/total or bad/total');
  const form = ratio.good ? 'good' : 'bad';

  const parse = (which: 'good' | 'bad' | 'total'): Selector | null => {
    const source = ratio[which];
    if (!source) return null;
    try {
      return parseRateQuery(source.metricSource.spec.query);
    } catch (err) {
      if (!(err instanceof PromqlSyntaxError)) throw err;
      at(queryPath(which), `${err.message}; indicator queries must be sum(rate(<selector>[{{.window}}]))`);
      return null;
    }
  };
  let events = parse(form);
  let total = parse('total');

  // Annotations.
  const annotations = slo.metadata.annotations ?? {};
  const annPath = (key: string): PathSegment[] => ['metadata', 'annotations', key];
  const synthetic = annotations[SLO_ANNOTATION.syntheticTraffic] ?? 'exclude';
  if (synthetic !== 'exclude' && synthetic !== 'include') {
    at(annPath(SLO_ANNOTATION.syntheticTraffic), `must be "exclude" or "include", got ${JSON.stringify(synthetic)}`);
  }
  let minEventsPerSecond: number | null = null;
  const minRaw = annotations[SLO_ANNOTATION.minEventsPerSecond];
  if (minRaw !== undefined) {
    minEventsPerSecond = Number(minRaw);
    if (!/^\d+(\.\d+)?$/.test(minRaw.trim()) || !(minEventsPerSecond > 0)) {
      at(annPath(SLO_ANNOTATION.minEventsPerSecond), `must be a positive number of events per second, got ${JSON.stringify(minRaw)}`);
    }
  }
  const defaultPrefix = pascalCase(`${slo.spec.service}-${slo.metadata.name}`);
  const alertPrefix = annotations[SLO_ANNOTATION.alertName] ?? defaultPrefix;
  if (!/^[A-Z][A-Za-z0-9]*$/.test(alertPrefix)) {
    at(annPath(SLO_ANNOTATION.alertName), `must be a PascalCase alert name prefix such as ${JSON.stringify(defaultPrefix)}, got ${JSON.stringify(alertPrefix)}`);
  }

  // Synthetic traffic: exclude it from every selector, which needs every selected metric to carry the label.
  if (synthetic === 'exclude') {
    const exclude = (sel: Selector | null, which: 'good' | 'bad' | 'total'): Selector | null => {
      if (!sel) return null;
      if (sel.matchers.some((m) => m.label === 'synthetic')) return sel;
      if (!carriesSyntheticLabel(sel.metric)) {
        at(
          queryPath(which),
          `cannot exclude synthetic traffic: ${sel.metric} has no "synthetic" label in the metric contract; ` +
            `set metadata.annotations."${SLO_ANNOTATION.syntheticTraffic}" to "include" to measure all traffic`,
        );
        return sel;
      }
      return { metric: sel.metric, matchers: [...sel.matchers, { label: 'synthetic', op: '!=', value: 'true' }] };
    };
    events = exclude(events, form);
    total = exclude(total, 'total');
  }

  // Histogram buckets and the latency threshold.
  let threshold: SloModel['threshold'] = null;
  if (total && histogramOf(total)) at(queryPath('total'), 'the total must count events (a _count or counter series), not a histogram bucket');
  if (events) {
    const lint = lintBucketSelector(events);
    if (lint) at(queryPath(form), lint);
    const le = events.matchers.find((m) => m.label === 'le');
    if (!lint && histogramOf(events) && le) {
      if (form === 'bad') at(queryPath(form), 'a histogram bucket counts requests under the threshold: use it as "good", not "bad"');
      threshold = { seconds: Number(le.value), le: le.value };
      if (total && total.metric !== `${histogramOf(events)}_count`) {
        at(queryPath('total'), `the total of a latency SLI must be ${histogramOf(events)}_count, got ${total.metric}`);
      }
    }
  }
  const objective = slo.spec.objectives[0];
  // OpenSLO (and its Go SDK's validation): "op" and "value" belong to threshold SLIs; an objective of a
  // ratioMetric SLI has a target only. A latency threshold is the good query's le="…" bucket.
  for (const key of ['op', 'value'] as const) {
    if ((objective as Record<string, unknown>)[key] !== undefined) {
      at(['spec', 'objectives', 0, key], `"${key}" is for threshold SLIs: an objective of a ratioMetric SLI has only "target" (OpenSLO); a latency threshold is the good query's le bucket`);
    }
  }

  if (problems.length > 0 || !events || !total) return { model: null, problems };
  const period = slo.spec.timeWindow[0].duration;
  return {
    model: {
      file: relFile,
      service: slo.spec.service,
      name: slo.metadata.name,
      slothSlo: slothSloName(slo.metadata.name),
      id: `${slo.spec.service}-${slo.metadata.name}`,
      slothId: `${slo.spec.service}-${slothSloName(slo.metadata.name)}`,
      displayName: slo.metadata.displayName ?? slo.metadata.name,
      description: slo.spec.description ?? '',
      objective: objective.target,
      errorBudget: Number(formatNumber(1 - objective.target)),
      period,
      periodDays: Number(period.slice(0, -1)),
      form,
      events,
      total,
      threshold,
      labels: { ...(slo.metadata.labels ?? {}) },
      alertPrefix,
      minEventsPerSecond,
      syntheticTraffic: synthetic as 'exclude' | 'include',
    },
    problems,
  };
}
