/**
 * Synthesizes the input series a promtool test injects for an SLO: label sets that the SLO's own
 * selectors really select (good events, bad events, the total), found by searching candidate label
 * values against the parsed matchers. With synthetic traffic excluded, it also builds the drill
 * traffic (`synthetic="true"`) that the SLI must ignore.
 */
import { GenerationError } from '../errors.js';
import { matches, selects, type Matcher, type Selector } from '../promql/selector.js';
import { histogramOf } from '../spec/buckets.js';
import type { SloModel } from '../spec/model.js';

export type Counts = 'good' | 'bad' | 'total' | 'noise';

export interface PlannedSeries {
  metric: string;
  labels: Record<string, string>;
  counts: Counts;
}

/** Realistic values first, so generated series read like the real ones. */
const HINTS: Record<string, string[]> = {
  http_response_status_code: ['200', '500', '503', '429', '404'],
  synthetic: ['false', 'true'],
  http_request_method: ['POST', 'GET'],
  result: ['success', 'failure'],
};

function literalAlternatives(regex: string): string[] {
  return regex.split('|').filter((alt) => /^[\w./:+-]+$/.test(alt));
}

function candidates(label: string, matchers: Matcher[]): string[] {
  const out: string[] = [];
  for (const m of matchers.filter((x) => x.label === label)) {
    if (m.op === '=') out.push(m.value);
  }
  out.push(...(HINTS[label] ?? []));
  for (const m of matchers.filter((x) => x.label === label)) {
    if (m.op === '=~' || m.op === '!~') out.push(...literalAlternatives(m.value));
  }
  out.push('x', '');
  return [...new Set(out)];
}

/** A label set satisfying every matcher of `must` and failing at least one matcher of each `mustNot` set. */
function findLabels(must: Matcher[], mustNot: Matcher[][]): Record<string, string> | null {
  const all = [...must, ...mustNot.flat()];
  const names = [...new Set(all.map((m) => m.label))];
  const pools = names.map((n) => candidates(n, all));
  const labels: Record<string, string> = {};
  const ok = (): boolean => must.every((m) => matches(m, labels)) && mustNot.every((set) => !set.every((m) => matches(m, labels)));
  const search = (i: number): boolean => {
    if (i === names.length) return ok();
    for (const v of pools[i]) {
      labels[names[i]] = v;
      if (search(i + 1)) return true;
    }
    delete labels[names[i]];
    return false;
  };
  if (!search(0)) return null;
  return Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
}

function require(labels: Record<string, string> | null, slo: SloModel, what: string): Record<string, string> {
  if (!labels) throw new GenerationError(`${slo.file}: cannot synthesize ${what} for SLO ${slo.id}: no label values satisfy its selectors`);
  return labels;
}

function withoutLe(sel: Selector): Matcher[] {
  return sel.matchers.filter((m) => m.label !== 'le');
}

export function planSliSeries(slo: SloModel): PlannedSeries[] {
  const { events, total } = slo;
  const plan: PlannedSeries[] = [];
  const histogram = histogramOf(events);
  if (histogram) {
    // Latency: every event counts in X_count; good events also in the threshold bucket.
    const labels = require(findLabels([...total.matchers, ...withoutLe(events)], []), slo, 'histogram series');
    const le = events.matchers.find((m) => m.label === 'le')!.value;
    plan.push({ metric: total.metric, labels, counts: 'total' });
    plan.push({ metric: events.metric, labels: { ...labels, le }, counts: 'good' });
  } else if (events.metric === total.metric) {
    // One counter split by a label (e.g. status code): good and bad events are different series.
    const selected = require(findLabels([...total.matchers, ...events.matchers], []), slo, `${slo.form} events`);
    const other = require(findLabels(total.matchers, [events.matchers]), slo, `the events that are not ${slo.form}`);
    const otherKind = slo.form === 'good' ? 'bad' : 'good';
    plan.push({ metric: total.metric, labels: selected, counts: slo.form });
    plan.push({ metric: total.metric, labels: other, counts: otherKind });
  } else {
    // Two counters: the events counter and the total counter both count each event of that kind.
    plan.push({ metric: events.metric, labels: require(findLabels(events.matchers, []), slo, 'events'), counts: slo.form });
    plan.push({ metric: total.metric, labels: require(findLabels(total.matchers, []), slo, 'the total'), counts: 'total' });
  }
  for (const s of plan) {
    const inEvents = selects(events, s.metric, s.labels);
    const inTotal = selects(total, s.metric, s.labels);
    const expectEvents = s.counts === slo.form || (histogram !== null && s.metric === events.metric);
    const expectTotal = s.counts !== slo.form || s.metric === total.metric;
    if (inEvents !== expectEvents || inTotal !== expectTotal) {
      throw new GenerationError(`${slo.file}: synthesized series ${renderSeries(s)} is not selected as intended by SLO ${slo.id}`);
    }
  }
  return plan;
}

/**
 * Drill traffic that must not count: each series of the plan that counts bad events or the total,
 * relabelled `synthetic="true"`. Null when the SLO includes synthetic traffic.
 */
export function planSyntheticNoise(slo: SloModel, plan: readonly PlannedSeries[]): PlannedSeries[] | null {
  if (slo.syntheticTraffic !== 'exclude') return null;
  const noise = plan
    .filter((s) => s.counts === 'bad' || s.counts === 'total')
    .map((s) => ({ metric: s.metric, labels: { ...s.labels, synthetic: 'true' }, counts: 'noise' as const }));
  for (const s of noise) {
    if (selects(slo.total, s.metric, s.labels) || selects(slo.events, s.metric, s.labels)) {
      throw new GenerationError(`${slo.file}: synthetic series ${renderSeries(s)} would be counted by SLO ${slo.id}`);
    }
  }
  return noise;
}

export function renderSeries(s: Pick<PlannedSeries, 'metric' | 'labels'>): string {
  const entries = Object.entries(s.labels);
  if (entries.length === 0) return s.metric;
  return `${s.metric}{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}
