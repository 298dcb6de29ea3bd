/**
 * The scorecard: a pure function of the drill journal, the load result and the runbook.
 *
 * - Each objective gets its measured value, verdict and weighted contribution; a missed target
 *   earns partial credit by how far it was missed (explained in one sentence), never above 100.
 * - Time to recover: from the first injected fault until availability and p99 (1 s windows,
 *   stepped every 100 ms) are back within objective and stay there for a sustained window.
 * - Interruption: how long those windows were outside objective. Error budget: burn rate over the
 *   drill times its duration, as a share of the SLO period's budget.
 * - Proof the drill was real: every injected fault has evidence seen at the target, and the planned
 *   load arrived with no dropped iterations. Without that proof the drill is `invalid`, not `passed`.
 */
import type {
  DrillJournal,
  DrillStatus,
  LoadPhaseName,
  Objective,
  ObjectiveResult,
  PhaseStats,
  Runbook,
  Scorecard,
} from '@drillbook/contracts';
import { LOAD_PHASES, SCORECARD_SCHEMA_VERSION } from '@drillbook/contracts';
import type { LoadOutcome, LoadResult, LoadSample } from '../load/index.js';

export interface SloReference {
  name: string;
  objective: number;
  periodDays: number;
}

export interface ScorecardInput {
  journal: DrillJournal;
  load: LoadResult | null;
  runbook: Runbook;
  outcome: LoadOutcome | null;
  slo: SloReference;
  quick?: boolean;
}

const WINDOW_MS = 1000;
const STEP_MS = 100;
const DEFAULT_P99_MS = 250;
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const ms = (iso: string) => Date.parse(iso);

function p99(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(0.99 * s.length) - 1))];
}

/** Targets that define "within objective" for recovery: availability and p99 latency. */
function recoveryTargets(rb: Runbook): { availability: number; p99Ms: number } {
  const pick = (sli: string, def: number) => rb.objectives.find((o) => o.sli === sli && (o.phase === 'fault' || !o.phase || o.phase === 'drill'))?.target ?? def;
  return { availability: pick('availability', 0.999), p99Ms: pick('latency_p99_ms', DEFAULT_P99_MS) };
}

interface Win {
  t: number;
  good: boolean;
}

/** Sliding 1 s windows (step 100 ms) over [from, to): good when availability and p99 are within target. */
function windows(samples: LoadSample[], from: number, to: number, target: { availability: number; p99Ms: number }): Win[] {
  const out: Win[] = [];
  let lo = 0;
  while (lo < samples.length && samples[lo].t < from) lo++;
  for (let t = from; t + WINDOW_MS <= to; t += STEP_MS) {
    while (lo < samples.length && samples[lo].t < t) lo++;
    let hi = lo;
    const lat: number[] = [];
    let ok = 0;
    while (hi < samples.length && samples[hi].t < t + WINDOW_MS) {
      lat.push(samples[hi].ms);
      if (samples[hi].ok) ok++;
      hi++;
    }
    if (!lat.length) {
      out.push({ t, good: true }); // nothing sent (e.g. between phases): nothing to judge
      continue;
    }
    out.push({ t, good: ok / lat.length >= target.availability && p99(lat) <= target.p99Ms });
  }
  return out;
}

export interface RecoveryFigures {
  /** Seconds from `from` until the SLI was back for good; 0 when never impacted; null when it never recovered. */
  ttrS: number | null;
  interruptionS: number;
  impacted: boolean;
}

/** Fewest same-query pairs for the paired NDCG ratio; below it the phases' plain means are compared. */
const MIN_NDCG_PAIRS = 30;

/**
 * NDCG@10 of a phase against the baseline on the same queries: both engines send the n-th request of
 * every phase from the same held-out session, so requests with equal iteration numbers in the two
 * phases asked the same thing. Comparing the phases' plain means instead adds the sampling noise of
 * two different query sets (a healthy drill read 0.945-1.125). Null when fewer than
 * MIN_NDCG_PAIRS requests were scored in both.
 */
export function pairedNdcgRatio(samples: readonly LoadSample[], phase: LoadPhaseName): number | null {
  const base = new Map<number, number>();
  for (const s of samples) if (s.phase === 'baseline' && s.ndcg !== null && s.index != null) base.set(s.index, s.ndcg);
  let sumBase = 0;
  let sumPhase = 0;
  let pairs = 0;
  for (const s of samples) {
    if (s.phase !== phase || s.ndcg === null || s.index == null) continue;
    const b = base.get(s.index);
    if (b === undefined) continue;
    sumBase += b;
    sumPhase += s.ndcg;
    pairs++;
  }
  if (pairs < MIN_NDCG_PAIRS || sumBase === 0) return null;
  return sumPhase / sumBase;
}

export function recovery(samples: LoadSample[], from: number, end: number, target: { availability: number; p99Ms: number }, sustainMs: number): RecoveryFigures {
  const ws = windows(samples, from, end, target);
  const bad = ws.filter((w) => !w.good);
  // Interruption: union of bad windows.
  let interruption = 0;
  let coveredTo = -Infinity;
  for (const w of bad) {
    const s = Math.max(w.t, coveredTo);
    const e = w.t + WINDOW_MS;
    if (e > s) interruption += e - s;
    coveredTo = Math.max(coveredTo, e);
  }
  if (!bad.length) return { ttrS: 0, interruptionS: 0, impacted: false };
  const lastBad = bad[bad.length - 1].t;
  const recoveredAt = lastBad + WINDOW_MS;
  // Recovered only if the data goes on long enough after the last bad window to call it sustained.
  const lastSample = samples.length ? samples[samples.length - 1].t : from;
  if (lastSample - recoveredAt < sustainMs) return { ttrS: null, interruptionS: interruption / 1000, impacted: true };
  return { ttrS: round((recoveredAt - from) / 1000, 2), interruptionS: round(interruption / 1000, 2), impacted: true };
}

type Unit = ObjectiveResult['unit'];
const UNIT: Record<Objective['sli'], Unit> = {
  availability: 'ratio',
  error_rate: 'ratio',
  failed_requests: 'count',
  latency_p50_ms: 'ms',
  latency_p95_ms: 'ms',
  latency_p99_ms: 'ms',
  degraded_share: 'ratio',
  ndcg_ratio: 'ratio',
  time_to_recover_s: 's',
  time_to_detect_s: 's',
  interruption_s: 's',
  recovery_rate: 'ratio',
  error_budget_consumed: 'ratio',
  throughput_ratio: 'ratio',
  probe: 'count',
};
/** Ratio SLIs where higher is better and the shortfall is measured against 1. */
const GOOD_RATIOS = new Set(['availability', 'recovery_rate']);

/** Partial credit for a missed target, with the sentence that explains it. */
export function credit(o: Pick<Objective, 'sli' | 'op' | 'target'>, m: number): { credit: number; explanation: string } {
  const met = o.op === '<=' ? m <= o.target : m >= o.target;
  if (met) return { credit: 1, explanation: `met: ${fmt(m, o.sli)} ${o.op} ${fmt(o.target, o.sli)}` };
  const clamp = (x: number) => Math.max(0, Math.min(1, x));
  if (o.op === '>=') {
    if (GOOD_RATIOS.has(o.sli) && o.target < 1 && m < 1) {
      const c = clamp((1 - o.target) / (1 - m));
      return { credit: c, explanation: `missed: shortfall ${fmt(1 - m, o.sli)} is ${(1 / Math.max(c, 1e-9)).toFixed(1)}x the allowed ${fmt(1 - o.target, o.sli)}; credit = allowed / shortfall` };
    }
    const c = o.target > 0 ? clamp(m / o.target) : 0;
    return { credit: c, explanation: `missed: ${fmt(m, o.sli)} is ${(c * 100).toFixed(0)}% of the target ${fmt(o.target, o.sli)}; credit = measured / target` };
  }
  if (o.target > 0) {
    const c = clamp(o.target / m);
    return { credit: c, explanation: `missed: ${fmt(m, o.sli)} is ${(m / o.target).toFixed(1)}x the target ${fmt(o.target, o.sli)}; credit = target / measured` };
  }
  const scale = UNIT[o.sli] === 'ratio' ? 100 : 1;
  const c = clamp(1 / (1 + scale * m));
  return { credit: c, explanation: `missed: ${fmt(m, o.sli)} against a target of ${fmt(o.target, o.sli)}; credit = 1 / (1 + ${scale === 100 ? '100 x ' : ''}measured)` };
}

function fmt(v: number, sli: Objective['sli']): string {
  switch (UNIT[sli]) {
    case 'ms':
      return `${+v.toFixed(1)} ms`;
    case 's':
      return `${+v.toFixed(2)} s`;
    case 'count':
      return String(+v.toFixed(2));
    default:
      return sli === 'ndcg_ratio' || sli === 'throughput_ratio' ? v.toFixed(3) : `${+(v * 100).toFixed(3)}%`;
  }
}

export function computeScorecard(input: ScorecardInput): Scorecard {
  const { journal: j, load, runbook: rb, outcome, slo } = input;
  const origin = load?.origin ? ms(load.origin) : ms(j.startedAt);
  const rel = (iso: string) => round((ms(iso) - origin) / 1000, 3);
  const samples = load?.samples ?? [];
  const endMs = samples.length ? samples[samples.length - 1].t + 1 : 0;
  const windowsByPhase = new Map((outcome?.windows ?? j.load?.windows ?? []).map((w) => [w.phase, w]));
  const faultWindow = windowsByPhase.get('fault');

  // Phase statistics.
  const phases: PhaseStats[] = [];
  for (const p of LOAD_PHASES) {
    const s = load?.phases.find((x) => x.phase === p);
    const w = windowsByPhase.get(p);
    if (!s && !w) continue;
    phases.push({
      phase: p,
      startS: w ? rel(w.start) : s?.firstMs != null ? s.firstMs / 1000 : 0,
      endS: w ? rel(w.end) : s?.lastMs != null ? s.lastMs / 1000 : 0,
      requests: s?.requests ?? 0,
      errors: s?.errors ?? 0,
      errorRate: s?.errorRate ?? null,
      degraded: s?.degraded ?? 0,
      degradedShare: s?.degradedShare ?? null,
      throughputRps: s?.throughputRps ?? null,
      plannedRps: j.load?.plannedRate[p] ?? null,
      latencyMs: s?.latencyMs ?? { p50: null, p95: null, p99: null, max: null },
      ndcg10: s?.ndcg10 == null ? null : round(s.ndcg10, 4),
    });
  }
  const phaseOf = (p: LoadPhaseName) => phases.find((x) => x.phase === p);

  // Recovery, interruption, detection.
  const target = recoveryTargets(rb);
  const sustainMs = input.quick ? 2000 : 5000;
  const injections = j.faults.map((f) => ms(f.injectedAt) - origin).filter((t) => Number.isFinite(t));
  const faultStart = injections.length ? Math.min(...injections) : faultWindow ? ms(faultWindow.start) - origin : null;
  const rec = faultStart !== null && samples.length ? recovery(samples, Math.max(0, faultStart), endMs, target, sustainMs) : null;
  const ttd = j.detection && faultStart !== null ? round((ms(j.detection.at) - origin - faultStart) / 1000, 2) : null;
  const humans = j.activities.filter((a) => a.kind === 'human.ack').map((a) => ms(a.start) - origin);
  let recoveryRate: number | null = null;
  if (j.faults.length && samples.length) {
    const recovered = j.faults.filter((f) => {
      const t = Math.max(0, ms(f.injectedAt) - origin);
      const r = recovery(samples, t, endMs, target, sustainMs);
      if (r.ttrS === null) return false;
      const healedAt = t + r.ttrS * 1000;
      return !humans.some((h) => h >= t && h <= healedAt);
    }).length;
    recoveryRate = round(recovered / j.faults.length, 4);
  }

  // Error budget and quality.
  const totals = load?.totals;
  const durationS = load ? load.testRunDurationMs / 1000 : 0;
  const errorRatio = totals && totals.requests ? totals.errors / totals.requests : null;
  const burnRate = errorRatio === null ? null : round(errorRatio / (1 - slo.objective), 4);
  const consumed = burnRate === null ? null : round((burnRate * durationS) / (slo.periodDays * 86400), 8);
  const baselineNdcg = phaseOf('baseline')?.ndcg10 ?? null;
  const later = (['fault', 'recovery'] as const).map((p) => phaseOf(p)?.ndcg10).filter((x): x is number => x !== null && x !== undefined);
  const drillNdcg = later.length ? Math.min(...later) : null;
  const phaseRatio = (p: LoadPhaseName): number | null => {
    const paired = pairedNdcgRatio(samples, p);
    if (paired !== null) return round(paired, 4);
    const nd = phaseOf(p)?.ndcg10;
    return baselineNdcg && nd !== null && nd !== undefined ? round(nd / baselineNdcg, 4) : null;
  };
  const laterRatios = (['fault', 'recovery'] as const).map(phaseRatio).filter((x): x is number => x !== null);
  const ndcgRatio = baselineNdcg && laterRatios.length ? Math.min(...laterRatios) : null;
  const scored = load?.phases.reduce((a, p) => a + p.scored, 0) ?? 0;

  // Objectives.
  const weightSum = rb.objectives.reduce((a, o) => a + (o.weight ?? 1), 0);
  const measure = (o: Objective): number | null => {
    const ph = o.phase && o.phase !== 'drill' ? phaseOf(o.phase) : null;
    const scope = ph ?? (totals ? { requests: totals.requests, errors: totals.errors, errorRate: totals.errorRate, degradedShare: totals.requests ? totals.degraded / totals.requests : null, latencyMs: totals.latencyMs } : null);
    switch (o.sli) {
      case 'availability':
        return scope?.errorRate == null ? null : round(1 - scope.errorRate, 6);
      case 'error_rate':
        return scope?.errorRate ?? null;
      case 'failed_requests':
        return scope ? scope.errors : null;
      case 'latency_p50_ms':
        return scope?.latencyMs.p50 ?? null;
      case 'latency_p95_ms':
        return scope?.latencyMs.p95 ?? null;
      case 'latency_p99_ms':
        return scope?.latencyMs.p99 ?? null;
      case 'degraded_share':
        return scope?.degradedShare ?? null;
      case 'ndcg_ratio': {
        if (!baselineNdcg) return null;
        if (ph) return phaseRatio(ph.phase);
        return ndcgRatio;
      }
      case 'time_to_recover_s':
        return rec?.ttrS ?? null;
      case 'time_to_detect_s':
        return ttd;
      case 'interruption_s':
        return rec?.interruptionS ?? null;
      case 'recovery_rate':
        return recoveryRate;
      case 'error_budget_consumed':
        return consumed;
      case 'throughput_ratio': {
        if (ph) return ph.throughputRps && ph.plannedRps ? round(ph.throughputRps / ph.plannedRps, 4) : null;
        const planned = phases.reduce((a, p) => a + (p.plannedRps ?? 0) * Math.max(0, p.endS - p.startS), 0);
        return planned && totals ? round(totals.requests / planned, 4) : null;
      }
      case 'probe': {
        const runs = j.activities.filter((a) => a.name === o.probe && a.status !== 'running');
        const last = runs[runs.length - 1];
        return last ? (last.status === 'succeeded' ? 1 : 0) : null;
      }
    }
  };
  const objectives: ObjectiveResult[] = rb.objectives.map((o) => {
    const measured = measure(o);
    const weight = o.weight ?? 1;
    const maxContribution = round((weight / weightSum) * 100, 2);
    if (measured === null) {
      return { name: o.name, sli: o.sli, phase: o.phase ?? 'drill', op: o.op, target: o.target, measured: null, unit: UNIT[o.sli], verdict: 'no-data', weight, credit: 0, contribution: 0, maxContribution, explanation: 'no data: the drill did not produce this measurement, so no credit' };
    }
    const c = credit(o, measured);
    return {
      name: o.name,
      sli: o.sli,
      phase: o.phase ?? 'drill',
      op: o.op,
      target: o.target,
      measured,
      unit: UNIT[o.sli],
      verdict: c.credit === 1 ? 'met' : 'missed',
      weight,
      credit: round(c.credit, 4),
      contribution: round(c.credit * maxContribution, 2),
      maxContribution,
      explanation: c.explanation,
    };
  });
  const score = Math.min(100, round(objectives.reduce((a, o) => a + o.contribution, 0), 1));

  // Proof the drill was real.
  const faultSteps = [...new Set(j.faults.map((f) => f.step))];
  const evidence = j.faultEvidence.map((e) => `${e.detail}`);
  const unproven = faultSteps.filter((s) => !j.faultEvidence.some((e) => e.signal === `fault:${s}`));
  const faultObserved = { ok: faultSteps.length > 0 && unproven.length === 0, evidence };
  const plannedRequests = Math.round(phases.reduce((a, p) => a + (p.plannedRps ?? 0) * Math.max(0, p.endS - p.startS), 0));
  const sent = totals?.requests ?? 0;
  const dropped = totals?.droppedIterations ?? 0;
  const achievedRatio = plannedRequests ? round(sent / plannedRequests, 4) : null;
  const loadDelivered = { ok: !!load && dropped === 0 && achievedRatio !== null && achievedRatio >= 0.95, plannedRequests, sentRequests: sent, droppedIterations: dropped, achievedRatio };
  const valid = faultObserved.ok && loadDelivered.ok;

  // Status.
  const missed = objectives.filter((o) => o.verdict !== 'met');
  const thresholds = load?.thresholds ?? [];
  const thresholdsOk = load ? load.thresholdsOk : false;
  let status: DrillStatus;
  let statusReason: string;
  if (j.status === 'interrupted') {
    status = 'interrupted';
    statusReason = 'the controller stopped mid-drill; rollbacks ran on restart';
  } else if (j.abort) {
    status = 'aborted';
    statusReason = `aborted by ${j.abort.source}: ${j.abort.reason}`;
  } else if (!valid) {
    status = 'invalid';
    statusReason = !faultObserved.ok
      ? faultSteps.length
        ? `no evidence at the target that ${unproven.join(', ')} took effect`
        : 'no fault was injected'
      : `the planned load did not arrive (${sent} of ${plannedRequests} requests, ${dropped} dropped)`;
  } else if (missed.length) {
    status = 'failed';
    statusReason = `missed ${missed.map((o) => `"${o.name}" (${o.measured === null ? 'no data' : fmt(o.measured, o.sli)} vs ${o.op} ${fmt(o.target, o.sli)})`).join(', ')}`;
  } else if (!thresholdsOk) {
    status = 'failed';
    statusReason = `load thresholds crossed: ${thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expr}`).join(', ')}`;
  } else {
    status = 'passed';
    statusReason = `every objective met (${objectives.length}), fault proven at the target, load delivered`;
  }

  // Per-second series for charts.
  const seconds = Math.ceil(endMs / 1000);
  const series: Scorecard['series'] = { t: [], rps: [], errorRate: [], p99Ms: [], degradedShare: [] };
  let k = 0;
  for (let s = 0; s < seconds; s++) {
    const lat: number[] = [];
    let errors = 0;
    let degraded = 0;
    while (k < samples.length && samples[k].t < (s + 1) * 1000) {
      lat.push(samples[k].ms);
      if (!samples[k].ok) errors++;
      if (samples[k].degraded) degraded++;
      k++;
    }
    series.t.push(s);
    series.rps.push(lat.length);
    series.errorRate.push(lat.length ? round(errors / lat.length) : null);
    series.p99Ms.push(lat.length ? round(p99(lat), 2) : null);
    series.degradedShare.push(lat.length ? round(degraded / lat.length) : null);
  }

  const end = j.endedAt ?? new Date(origin + endMs).toISOString();
  const faultWindows: Scorecard['faultWindows'] = [];
  if (faultWindow) faultWindows.push({ label: 'fault phase', startS: rel(faultWindow.start), endS: rel(faultWindow.end) });
  for (const f of j.faults) {
    const stop = f.clearedAt ?? (f.ttlMs !== null ? new Date(ms(f.injectedAt) + f.ttlMs).toISOString() : faultWindow?.end ?? end);
    const endS = Math.min(rel(stop), f.ttlMs !== null ? rel(new Date(ms(f.injectedAt) + f.ttlMs).toISOString()) : Infinity);
    faultWindows.push({ label: `${f.type} @ ${f.replica}`, startS: rel(f.injectedAt), endS: Number.isFinite(endS) ? endS : rel(stop) });
  }

  return {
    schemaVersion: SCORECARD_SCHEMA_VERSION,
    drillId: j.drillId,
    runbook: j.runbook,
    service: j.service,
    modelVersion: j.modelVersion,
    status,
    statusReason,
    score,
    hypothesis: rb.hypothesis,
    startedAt: j.startedAt,
    endedAt: end,
    durationS: round((ms(end) - ms(j.startedAt)) / 1000, 2),
    objectives,
    phases,
    timeToDetectS: ttd,
    detectedBy: j.detection?.signal ?? null,
    timeToRecoverS: rec?.ttrS ?? null,
    interruptionS: rec?.interruptionS ?? 0,
    recoveryRate,
    errorBudget: {
      slo: slo.name,
      objective: slo.objective,
      periodDays: slo.periodDays,
      events: totals?.requests ?? 0,
      badEvents: totals?.errors ?? 0,
      burnRate,
      consumed,
      remainingAtStart: j.slo?.budgetRemainingAtStart ?? null,
    },
    quality: { baselineNdcg10: baselineNdcg, drillNdcg10: drillNdcg, ndcgRatio, scoredRequests: scored },
    degradedShare: totals && totals.requests ? round(totals.degraded / totals.requests) : null,
    proof: { valid, faultObserved, loadDelivered },
    load: { engine: outcome?.engine ?? (load?.engine === 'k6' ? 'k6' : 'builtin'), thresholdsOk, exitCode: outcome?.exitCode ?? null, thresholds },
    abort: j.abort ? { source: j.abort.source, reason: j.abort.reason, atS: rel(j.abort.at) } : null,
    faultWindows,
    timeline: j.activities.map((a) => ({ id: a.id, name: a.name, kind: a.kind, phase: a.phase, status: a.status, startS: rel(a.start), endS: a.end ? rel(a.end) : null, ...(a.error ? { error: a.error } : {}) })),
    series,
    evidence: { journal: 'journal.json', loadSummary: j.load?.summaryFile ?? 'load/summary.json', points: j.load?.pointsFile ?? 'load/points.ndjson', report: 'report.html', junit: 'junit.xml' },
    ...(rb.onFailure ? { onFailure: rb.onFailure } : {}),
  };
}
