/**
 * Step: recovery. Time to recover from the first injected fault until availability and p99 (1 s
 * windows, stepped every 100 ms) are back within objective for a sustained window; the interruption
 * is how long those windows were outside objective; the recovery rate is the share of faults healed
 * without a human.
 */
import type { DrillJournal, Runbook } from '@drillbook/contracts';
import type { LoadSample } from '../../load/index.js';
import { ms, round } from './util.js';

const WINDOW_MS = 1000;
const STEP_MS = 100;
const DEFAULT_P99_MS = 250;

export function p99(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(0.99 * s.length) - 1))];
}

/** Targets that define "within objective" for recovery: availability and p99 latency. */
export function recoveryTargets(rb: Runbook): { availability: number; p99Ms: number } {
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


export interface RecoveryStep {
  faultStart: number | null;
  rec: RecoveryFigures | null;
  timeToDetectS: number | null;
  recoveryRate: number | null;
}

/** Recovery, detection and recovery rate of a drill, offsets in ms since `origin`. */
export function recoveryStep(j: DrillJournal, rb: Runbook, samples: LoadSample[], origin: number, faultWindowStart: string | null, quick: boolean): RecoveryStep {
  const endMs = samples.length ? samples[samples.length - 1].t + 1 : 0;
  const target = recoveryTargets(rb);
  const sustainMs = quick ? 2000 : 5000;
  const injections = j.faults.map((f) => ms(f.injectedAt) - origin).filter((t) => Number.isFinite(t));
  const faultStart = injections.length ? Math.min(...injections) : faultWindowStart ? ms(faultWindowStart) - origin : null;
  const rec = faultStart !== null && samples.length ? recovery(samples, Math.max(0, faultStart), endMs, target, sustainMs) : null;
  const timeToDetectS = j.detection && faultStart !== null ? round((ms(j.detection.at) - origin - faultStart) / 1000, 2) : null;
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
  return { faultStart, rec, timeToDetectS, recoveryRate };
}
