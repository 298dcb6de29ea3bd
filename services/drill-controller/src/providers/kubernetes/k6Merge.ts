/**
 * Merges the outputs of N k6 runners (the k6 operator's TestRun with parallelism N: each runner
 * writes its own `handleSummary` JSON and `--out json` points) into ONE summary + points pair that
 * the load reader (load/reader/readLoadResult.ts) takes like any single run:
 * - points: every runner's samples in time order, request ids (`metadata.req`) made unique;
 * - counters: counts summed, rate recomputed over the run's duration (the longest runner's);
 * - rates: passes and fails summed, rate recomputed;
 * - trends: every statistic (avg, min, med, max, p(N), count) recomputed from the merged points,
 *   never averaged from the runners' percentiles;
 * - gauges (VUs): summed across runners;
 * - thresholds: re-evaluated on the merged values (a p(99) can fail merged while each runner passed).
 * The k6 operator does not merge runner results itself (grafana/k6-operator#413).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { SUMMARY_TREND_STATS, type K6Summary, type K6SummaryMetric } from '@drillbook/contracts';
import { LoadOutputError } from '../../load/errors.js';
import { readSummary } from '../../load/reader/readLoadResult.js';
import { parseRfc3339 } from '../../load/time.js';
import { CounterSink, RateSink, TrendSink } from '../../load/stats.js';
import { evaluateThreshold, parseMetricKey, parseThreshold, tagsMatch } from '../../load/thresholds.js';

export interface RunnerOutput {
  summaryFile: string;
  pointsFile: string;
}

export interface MergeReport {
  runners: number;
  points: number;
  testRunDurationMs: number;
  /** Thresholds whose merged verdict differs from at least one runner's. */
  changedThresholds: Array<{ metric: string; expr: string; ok: boolean }>;
}

interface Point {
  time: number;
  line: string;
  metric: string;
  value: number;
  tags: Record<string, string>;
}

async function* lines(file: string): AsyncGenerator<string> {
  const stream = file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const l of rl) if (l.trim()) yield l;
}

/** `fault:12` from runner 1 of 3 -> `fault:37`: unique across runners, same `<phase>:<n>` shape. */
function uniqueReq(req: string, runner: number, runners: number): string {
  const m = /^(.*):(\d+)$/.exec(req);
  return m ? `${m[1]}:${Number(m[2]) * runners + runner}` : `${req}#${runner}`;
}

async function readPoints(file: string, runner: number, runners: number, metricLines: Map<string, string>, out: Point[]): Promise<void> {
  let n = 0;
  try {
    for await (const line of lines(file)) {
      n++;
      const d = JSON.parse(line) as { type: string; metric: string; data: { time: string; value: number; tags?: Record<string, string> | null; metadata?: Record<string, string> } };
      if (d.type === 'Metric') {
        if (!metricLines.has(d.metric)) metricLines.set(d.metric, line);
        continue;
      }
      if (d.type !== 'Point') continue;
      if (d.data.metadata?.req !== undefined) d.data.metadata.req = uniqueReq(d.data.metadata.req, runner, runners);
      out.push({ time: parseRfc3339(d.data.time), line: JSON.stringify(d), metric: d.metric, value: d.data.value, tags: d.data.tags ?? {} });
    }
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw new LoadOutputError(file, `runner ${runner + 1}: no points file`, { cause });
    throw new LoadOutputError(file, `runner ${runner + 1}, line ${n}: ${(cause as Error).message}`, { cause });
  }
}

async function writeLines(file: string, content: Iterable<string>): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const src = Readable.from((function* () {
    for (const l of content) yield `${l}\n`;
  })());
  try {
    await (file.endsWith('.gz') ? pipeline(src, createGzip(), createWriteStream(tmp)) : pipeline(src, createWriteStream(tmp)));
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function mergeMetric(key: string, parts: K6SummaryMetric[], points: readonly Point[], durationMs: number, trendStats: readonly string[]): K6SummaryMetric {
  const first = parts[0];
  const { name, tags } = parseMetricKey(key);
  const mine = points.filter((p) => p.metric === name && tagsMatch(tags, p.tags));
  let values: Record<string, number>;
  switch (first.type) {
    case 'counter': {
      const c = new CounterSink();
      c.add(parts.reduce((a, m) => a + (m.values.count ?? 0), 0));
      values = c.summaryValues(durationMs);
      break;
    }
    case 'rate': {
      const passes = parts.reduce((a, m) => a + (m.values.passes ?? 0), 0);
      const fails = parts.reduce((a, m) => a + (m.values.fails ?? 0), 0);
      const r = new RateSink();
      r.trues = passes;
      r.total = passes + fails;
      values = r.summaryValues();
      break;
    }
    case 'gauge': {
      const sum = (k: string) => parts.reduce((a, m) => a + (m.values[k] ?? 0), 0);
      values = { value: sum('value'), min: sum('min'), max: sum('max') };
      break;
    }
    case 'trend': {
      const expected = parts.reduce((a, m) => a + (m.values.count ?? 0), 0);
      const sink = new TrendSink();
      for (const p of mine) sink.add(p.value);
      // Percentiles cannot be merged from the runners' percentiles: without every point there is no merged trend.
      if (trendStats.includes('count') && sink.count !== expected) {
        throw new LoadOutputError(key, `the runners' summaries count ${expected} samples of ${key} but their points hold ${sink.count}: a points file is missing or truncated`);
      }
      values = sink.summaryValues(trendStats);
      break;
    }
  }
  const exprs = [...new Set(parts.flatMap((m) => Object.keys(m.thresholds ?? {})))];
  const thresholds = exprs.length ? Object.fromEntries(exprs.map((e) => [e, { ok: evaluateThreshold(parseThreshold(e), values) }])) : undefined;
  return { type: first.type, contains: first.contains, values, ...(thresholds ? { thresholds } : {}) };
}

/** Merges the runners' outputs into `out.summaryFile` + `out.pointsFile` (written whole or not at all). */
export async function mergeRunnerOutputs(runners: readonly RunnerOutput[], out: RunnerOutput): Promise<MergeReport> {
  if (!runners.length) throw new LoadOutputError(out.summaryFile, 'no runner outputs to merge');
  const summaries = runners.map((r) => readSummary(r.summaryFile));
  const metricLines = new Map<string, string>();
  const points: Point[] = [];
  for (const [i, r] of runners.entries()) await readPoints(r.pointsFile, i, runners.length, metricLines, points);
  points.sort((a, b) => a.time - b.time);

  const durationMs = Math.max(...summaries.map((s) => s.state.testRunDurationMs));
  const trendStats = summaries[0].options?.summaryTrendStats ?? [...SUMMARY_TREND_STATS];
  const keys = [...new Set(summaries.flatMap((s) => Object.keys(s.metrics)))].sort();
  const metrics: Record<string, K6SummaryMetric> = {};
  const changed: MergeReport['changedThresholds'] = [];
  for (const key of keys) {
    const parts = summaries.map((s) => s.metrics[key]).filter((m): m is K6SummaryMetric => !!m);
    const types = new Set(parts.map((m) => m.type));
    if (types.size > 1) throw new LoadOutputError(runners[0].summaryFile, `metrics["${key}"]: runners disagree on its type (${[...types].join(', ')})`);
    metrics[key] = mergeMetric(key, parts, points, durationMs, trendStats);
    for (const [expr, t] of Object.entries(metrics[key].thresholds ?? {})) {
      if (parts.some((m) => m.thresholds?.[expr] && m.thresholds[expr].ok !== t.ok)) changed.push({ metric: key, expr, ok: t.ok });
    }
  }
  const merged: K6Summary = { metrics, options: summaries[0].options, state: { ...summaries[0].state, testRunDurationMs: durationMs } };

  await writeLines(out.pointsFile, [...metricLines.values(), ...points.map((p) => p.line)]);
  await writeLines(out.summaryFile, [JSON.stringify(merged, null, 2)]);
  return { runners: runners.length, points: points.length, testRunDurationMs: durationMs, changedThresholds: changed };
}
