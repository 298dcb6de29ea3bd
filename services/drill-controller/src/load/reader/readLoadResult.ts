/**
 * THE reader of load outputs, for both engines: a k6 `handleSummary` JSON (thresholds) and a k6
 * `--out json` points file, plain or gzipped (per-phase statistics and per-request samples).
 *
 * Per-phase figures are computed from the points with k6's own aggregation rules, so for k6's
 * output they equal the summary's per-scenario sub-metrics (a test checks this on real k6 files).
 * Samples outside a load phase (the readiness request of `setup()`) are ignored.
 */
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { LOAD_METRIC, LOAD_PHASES, type K6Summary, type LoadPhaseName } from '@drillbook/contracts';
import { LoadOutputError } from '../errors.js';
import { percentileSorted } from '../stats.js';
import type { LatencySummary, LoadResult, LoadSample, PhaseLoadStats, ThresholdResult } from '../types.js';
import { parsePointLine, sampleOk } from './pointLine.js';

const WANTED = new Set(['http_req_duration', LOAD_METRIC.invalid, LOAD_METRIC.degraded, LOAD_METRIC.ndcg, LOAD_METRIC.schedLag, 'dropped_iterations']);
const PHASE_SET = new Set<string>(LOAD_PHASES);

export async function readLoadResult(summaryFile: string, pointsFile: string): Promise<LoadResult> {
  const summary = readSummary(summaryFile);
  const thresholds = thresholdsOf(summary);
  const points = await readPoints(pointsFile);
  return assemble(summary, thresholds, points);
}

export function readSummary(file: string): K6Summary {
  if (!existsSync(file)) throw new LoadOutputError(file, 'no load summary here (the engine did not write one)');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new LoadOutputError(file, `not JSON: ${(cause as Error).message}`, { cause });
  }
  const d = data as Partial<K6Summary>;
  if (typeof d !== 'object' || d === null || typeof d.metrics !== 'object' || d.metrics === null) {
    throw new LoadOutputError(file, 'metrics: expected the k6 handleSummary data object ({metrics, state, options})');
  }
  for (const [name, m] of Object.entries(d.metrics)) {
    if (typeof m !== 'object' || m === null || typeof m.values !== 'object' || !['counter', 'gauge', 'rate', 'trend'].includes(m.type)) {
      throw new LoadOutputError(file, `metrics["${name}"]: expected {type: counter|gauge|rate|trend, contains, values}`);
    }
    for (const [expr, t] of Object.entries(m.thresholds ?? {})) {
      if (typeof t?.ok !== 'boolean') throw new LoadOutputError(file, `metrics["${name}"].thresholds["${expr}"].ok: expected a boolean`);
    }
  }
  return d as K6Summary;
}

export function thresholdsOf(summary: K6Summary): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const [metric, m] of Object.entries(summary.metrics)) {
    for (const [expr, t] of Object.entries(m.thresholds ?? {})) out.push({ metric, expr, ok: t.ok });
  }
  return out.sort((a, b) => a.metric.localeCompare(b.metric) || a.expr.localeCompare(b.expr));
}

interface RawSample {
  start: number;
  ms: number;
  ok: boolean;
  phase: LoadPhaseName;
  degraded: boolean;
  ndcg: number | null;
  index: number | null;
}

/** `<phase>:<n>` -> n. */
function iterationOf(req: string | undefined): number | null {
  if (req === undefined) return null;
  const m = /:(\d+)$/.exec(req);
  return m ? Number(m[1]) : null;
}

interface PointsData {
  samples: RawSample[];
  degraded: Map<LoadPhaseName, number>;
  ndcgSum: Map<LoadPhaseName, number>;
  ndcgCount: Map<LoadPhaseName, number>;
  dropped: Map<LoadPhaseName, number>;
  lag: Map<LoadPhaseName, number[]>;
  invalid: Map<LoadPhaseName, Map<string, number>>;
}

function isGzip(file: string): boolean {
  if (file.endsWith('.gz')) return true;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

async function readPoints(file: string): Promise<PointsData> {
  if (!existsSync(file)) throw new LoadOutputError(file, 'no points file here (the engine did not write one)');
  const raw = createReadStream(file);
  const input = isGzip(file) ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  const data: PointsData = { samples: [], degraded: new Map(), ndcgSum: new Map(), ndcgCount: new Map(), dropped: new Map(), lag: new Map(), invalid: new Map() };
  const byReq = new Map<string, RawSample>();
  const pendingDegraded = new Map<string, boolean>();
  const pendingNdcg = new Map<string, number>();
  const pendingInvalid = new Set<string>();
  const inc = (m: Map<LoadPhaseName, number>, p: LoadPhaseName, v: number): void => {
    m.set(p, (m.get(p) ?? 0) + v);
  };
  let lineNo = 0;
  try {
    for await (const line of rl) {
      lineNo++;
      let s;
      try {
        s = parsePointLine(line, WANTED);
      } catch (cause) {
        throw new LoadOutputError(`${file}:${lineNo}`, `not a k6 --out json line: ${(cause as Error).message}`, { cause });
      }
      if (!s) continue;
      const phase = s.tags.scenario;
      if (!phase || !PHASE_SET.has(phase)) continue;
      const p = phase as LoadPhaseName;
      if (s.metric === 'http_req_duration') {
        const sample: RawSample = { start: s.time - s.value, ms: s.value, ok: sampleOk(s.tags), phase: p, degraded: false, ndcg: null, index: iterationOf(s.req) };
        data.samples.push(sample);
        if (s.req !== undefined) {
          byReq.set(s.req, sample);
          const d = pendingDegraded.get(s.req);
          if (d !== undefined) sample.degraded = d;
          const n = pendingNdcg.get(s.req);
          if (n !== undefined) sample.ndcg = n;
          if (pendingInvalid.delete(s.req)) sample.ok = false;
        }
      } else if (s.metric === LOAD_METRIC.invalid) {
        if (s.value === 0) continue;
        // A 2xx answer that did not fit the protocol: the request failed.
        let byError = data.invalid.get(p);
        if (!byError) data.invalid.set(p, (byError = new Map()));
        const error = s.tags.error ?? '(no error recorded)';
        byError.set(error, (byError.get(error) ?? 0) + 1);
        if (s.req !== undefined) {
          const sample = byReq.get(s.req);
          if (sample) sample.ok = false;
          else pendingInvalid.add(s.req);
        }
      } else if (s.metric === LOAD_METRIC.degraded) {
        if (s.value !== 0) inc(data.degraded, p, 1);
        if (s.req !== undefined) {
          const sample = byReq.get(s.req);
          if (sample) sample.degraded = s.value !== 0;
          else pendingDegraded.set(s.req, s.value !== 0);
        }
      } else if (s.metric === LOAD_METRIC.ndcg) {
        inc(data.ndcgSum, p, s.value);
        inc(data.ndcgCount, p, 1);
        if (s.req !== undefined) {
          const sample = byReq.get(s.req);
          if (sample) sample.ndcg = s.value;
          else pendingNdcg.set(s.req, s.value);
        }
      } else if (s.metric === 'dropped_iterations') {
        inc(data.dropped, p, s.value);
      } else if (s.metric === LOAD_METRIC.schedLag) {
        const l = data.lag.get(p);
        if (l) l.push(s.value);
        else data.lag.set(p, [s.value]);
      }
    }
  } catch (e) {
    if (e instanceof LoadOutputError) throw e;
    throw new LoadOutputError(file, `could not read points: ${(e as Error).message}`, { cause: e });
  } finally {
    rl.close();
    raw.destroy();
  }
  return data;
}

function latencySummary(sorted: Float64Array): LatencySummary {
  if (sorted.length === 0) return { p50: null, p95: null, p99: null, max: null };
  return {
    p50: percentileSorted(sorted, 0.5),
    p95: percentileSorted(sorted, 0.95),
    p99: percentileSorted(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

function assemble(summary: K6Summary, thresholds: ThresholdResult[], points: PointsData): LoadResult {
  const samples = points.samples;
  let origin = Infinity;
  for (const s of samples) if (s.start < origin) origin = s.start;
  const phases: PhaseLoadStats[] = [];
  const all: number[] = [];
  let totalErrors = 0;
  for (const phase of LOAD_PHASES) {
    const mine = samples.filter((s) => s.phase === phase);
    const dropped = points.dropped.get(phase) ?? 0;
    if (mine.length === 0 && dropped === 0) continue;
    const lat = Float64Array.from(mine, (s) => s.ms).sort();
    let errors = 0;
    let first = Infinity;
    let last = -Infinity;
    for (const s of mine) {
      if (!s.ok) errors++;
      if (s.start < first) first = s.start;
      if (s.start > last) last = s.start;
      all.push(s.ms);
    }
    totalErrors += errors;
    const degraded = points.degraded.get(phase) ?? 0;
    const scored = points.ndcgCount.get(phase) ?? 0;
    const spanS = (last - first) / 1000;
    const lag = Float64Array.from(points.lag.get(phase) ?? []).sort();
    phases.push({
      phase,
      firstMs: mine.length === 0 ? null : first - origin,
      lastMs: mine.length === 0 ? null : last - origin,
      requests: mine.length,
      errors,
      errorRate: mine.length === 0 ? null : errors / mine.length,
      degraded,
      degradedShare: mine.length === 0 ? null : degraded / mine.length,
      latencyMs: latencySummary(lat),
      throughputRps: mine.length >= 2 && spanS > 0 ? (mine.length - 1) / spanS : null,
      ndcg10: scored === 0 ? null : (points.ndcgSum.get(phase) ?? 0) / scored,
      scored,
      droppedIterations: dropped,
      schedLagMs: { p99: lag.length ? percentileSorted(lag, 0.99) : null, max: lag.length ? lag[lag.length - 1] : null, count: lag.length },
      ...(points.invalid.has(phase) ? { invalidResponses: Object.fromEntries(points.invalid.get(phase)!) } : {}),
    });
  }
  const out: LoadSample[] = samples
    .map((s) => ({ t: s.start - origin, ms: s.ms, ok: s.ok, degraded: s.degraded, ndcg: s.ndcg, phase: s.phase, index: s.index }))
    .sort((a, b) => a.t - b.t);
  const metricNames = Object.keys(summary.metrics);
  return {
    // k6's summary always has vus_max; the built-in engine's never does (both record the schedule lag).
    engine: metricNames.includes('vus_max') ? 'k6' : metricNames.includes(LOAD_METRIC.schedLag) ? 'builtin' : metricNames.includes('iterations') ? 'k6' : 'unknown',
    origin: samples.length === 0 ? null : new Date(origin).toISOString(),
    testRunDurationMs: summary.state?.testRunDurationMs ?? 0,
    thresholds,
    thresholdsOk: thresholds.every((t) => t.ok),
    phases,
    totals: {
      requests: samples.length,
      errors: totalErrors,
      errorRate: samples.length === 0 ? null : totalErrors / samples.length,
      degraded: phases.reduce((a, p) => a + p.degraded, 0),
      droppedIterations: phases.reduce((a, p) => a + p.droppedIterations, 0),
      latencyMs: latencySummary(Float64Array.from(all).sort()),
    },
    samples: out,
  };
}
