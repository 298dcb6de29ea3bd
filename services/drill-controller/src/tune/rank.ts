/**
 * Ranking, the throughput–p99 Pareto front and the drill verdicts of a tune. Pure functions over
 * the candidates' measurements, so they are tested without a stack.
 */
import type { Assignment } from './search.js';

/** One rate of the rate search and whether the service held its objectives there. */
export interface RateStep {
  offeredRps: number;
  achievedRps: number | null;
  requests: number;
  p99Ms: number | null;
  availability: number | null;
  ndcg10: number | null;
  degradedShare: number | null;
  pass: boolean;
  /** Which objective failed, in words (empty when it passed). */
  reason: string;
}

export interface Measurement {
  /** Highest offered rate at which every objective held; 0 when none did. */
  compliantRps: number;
  /** p99 at that rate (ms); null when no rate passed. */
  p99Ms: number | null;
  steps: RateStep[];
  /** Set when the candidate could not be measured (stack did not start ...). */
  error?: string;
  durationS: number;
}

export interface DrillVerdict {
  runbook: string;
  status: string;
  score: number;
  statusReason: string;
  /** Missed objectives: name, measured, target. */
  missed: Array<{ name: string; sli: string; measured: number | null; op: string; target: number }>;
  /** Where the drill's scorecard and report are. */
  dir?: string;
  /** The scorecard's objectives (for the recommended actions). */
  objectives?: import('@drillbook/contracts').ObjectiveResult[];
  generatorSaturated?: boolean;
}

export interface Candidate {
  key: string;
  assignment: Assignment;
  isDefault: boolean;
  measurement: Measurement;
  rank?: number;
  pareto?: boolean;
  drills?: DrillVerdict[];
  /** Set when a drill rejected it: the drill and the objective(s) it missed. */
  rejected?: string;
}

/** Best first: SLO-compliant throughput (higher), then p99 at that rate (lower), then the default first, then key. */
export function rankCandidates(cs: readonly Candidate[]): Candidate[] {
  const sorted = [...cs].sort(
    (a, b) =>
      b.measurement.compliantRps - a.measurement.compliantRps ||
      (a.measurement.p99Ms ?? Infinity) - (b.measurement.p99Ms ?? Infinity) ||
      Number(b.isDefault) - Number(a.isDefault) ||
      a.key.localeCompare(b.key),
  );
  return sorted.map((c, i) => ({ ...c, rank: i + 1 }));
}

/**
 * The candidates no other candidate beats on both throughput (higher) and p99 (lower) — at least
 * as good on both and better on one. Candidates with no compliant rate are not on the front.
 */
export function paretoFront(cs: readonly Candidate[]): Set<string> {
  const ok = cs.filter((c) => c.measurement.compliantRps > 0 && c.measurement.p99Ms !== null);
  const front = new Set<string>();
  for (const c of ok) {
    const t = c.measurement.compliantRps;
    const p = c.measurement.p99Ms!;
    const dominated = ok.some((o) => o !== c && o.measurement.compliantRps >= t && o.measurement.p99Ms! <= p && (o.measurement.compliantRps > t || o.measurement.p99Ms! < p));
    if (!dominated) front.add(c.key);
  }
  return front;
}

/** Why a candidate's drills reject it (undefined = every drill passed). */
export function drillRejection(drills: readonly DrillVerdict[]): string | undefined {
  const bad = drills.filter((d) => d.status !== 'passed');
  if (!bad.length) return undefined;
  return bad
    .map((d) =>
      d.missed.length
        ? `${d.runbook} ${d.status}: missed ${d.missed.map((m) => `"${m.name}" (${m.measured === null ? 'no data' : +m.measured.toFixed(3)} ${m.op === '<=' ? '>' : '<'} target ${m.op} ${m.target})`).join(', ')}`
        : `${d.runbook} ${d.status}: ${d.statusReason}`,
    )
    .join('; ');
}

/** The recommendation: the best-ranked finalist whose drills all passed; none = keep the default. */
export function recommend(ranked: readonly Candidate[]): Candidate | undefined {
  return ranked.find((c) => c.drills !== undefined && !c.rejected && c.measurement.compliantRps > 0);
}
