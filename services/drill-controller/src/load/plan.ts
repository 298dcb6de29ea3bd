/** Checks a `LoadPlan`, fills its defaults and lays its phases out on a timeline. */
import { isAbsolute, resolve } from 'node:path';
import { LOAD_PHASES, type LoadPhaseName, type LoadSessionsFile, type TargetProtocol } from '@drillbook/contracts';
import { InvalidLoadPlan } from './errors.js';
import { checkSessions, readSessionsFile } from './sessions.js';
import type { LoadPhasePlan, LoadPlan, ThresholdMap } from './types.js';
import { parseMetricKey, parseThreshold } from './thresholds.js';
import { repoRoot } from './repo.js';

export interface TimedPhase extends LoadPhasePlan {
  /** Offset of the phase start from load start, ms. */
  startMs: number;
  endMs: number;
}

export interface NormalizedPlan {
  baseUrl: URL;
  phases: TimedPhase[];
  totalMs: number;
  k: number;
  timeoutMs: number;
  sessions: LoadSessionsFile;
  /** The sessions file on disk, when the plan named one. */
  sessionsPath: string | null;
  outDir: string;
  scenario: string | null;
  maxInFlight: number;
  thresholds: ThresholdMap | null;
  /** `undefined` = the adapter's own readiness checks. */
  readinessPath: string | null | undefined;
  protocol: TargetProtocol | undefined;
  liveWindowS: number;
}

/** Default concurrency cap: enough for every request of one timeout window at the peak rate, 20..1000. */
export function defaultMaxInFlight(phases: readonly LoadPhasePlan[], timeoutMs: number): number {
  const peak = Math.max(...phases.map((p) => p.rate));
  return Math.min(1000, Math.max(20, Math.ceil((peak * timeoutMs) / 1000)));
}

export function normalizePlan(plan: LoadPlan): NormalizedPlan {
  const fail = (field: string, expected: string): never => {
    throw new InvalidLoadPlan(field, expected);
  };
  if (typeof plan !== 'object' || plan === null) fail('(root)', 'an object');

  let baseUrl: URL | undefined;
  try {
    baseUrl = new URL(plan.baseUrl);
  } catch {
    fail('baseUrl', `an absolute http(s) URL, got ${JSON.stringify(plan.baseUrl)}`);
  }
  if (baseUrl!.protocol !== 'http:' && baseUrl!.protocol !== 'https:') fail('baseUrl', 'an http: or https: URL');

  if (!Array.isArray(plan.phases) || plan.phases.length === 0) fail('phases', 'a non-empty array of phases');
  const seen = new Set<LoadPhaseName>();
  let offset = 0;
  const phases: TimedPhase[] = plan.phases.map((p, i) => {
    const at = `phases[${i}]`;
    if (!LOAD_PHASES.includes(p?.phase)) fail(`${at}.phase`, `one of ${LOAD_PHASES.join(', ')}`);
    if (seen.has(p.phase)) fail(`${at}.phase`, `each phase at most once ("${p.phase}" repeats)`);
    seen.add(p.phase);
    if (!(typeof p.durationS === 'number' && Number.isFinite(p.durationS) && p.durationS > 0)) fail(`${at}.durationS`, 'a number of seconds > 0');
    if (!(typeof p.rate === 'number' && Number.isFinite(p.rate) && p.rate > 0)) fail(`${at}.rate`, 'requests per second > 0');
    if (p.mix !== 'training' && p.mix !== 'drifted') fail(`${at}.mix`, '"training" or "drifted"');
    const startMs = offset;
    offset += Math.round(p.durationS * 1000);
    return { phase: p.phase, durationS: p.durationS, rate: p.rate, mix: p.mix, startMs, endMs: offset };
  });

  if (!(Number.isInteger(plan.k) && plan.k >= 1 && plan.k <= 100)) fail('k', 'an integer 1..100');
  if (!(typeof plan.timeoutMs === 'number' && Number.isFinite(plan.timeoutMs) && plan.timeoutMs > 0)) fail('timeoutMs', 'a finite number of milliseconds > 0');
  if (typeof plan.outDir !== 'string' || plan.outDir === '') fail('outDir', 'a directory path');

  let sessions: LoadSessionsFile;
  let sessionsPath: string | null = null;
  if (typeof plan.sessions === 'string') {
    sessionsPath = resolve(plan.sessions);
    sessions = readSessionsFile(sessionsPath);
  } else {
    sessions = checkSessions(plan.sessions, 'load plan sessions');
  }
  for (const p of phases) {
    if (sessions[p.mix].length === 0) fail(`phases[${phases.indexOf(p)}].mix`, `a mix with request templates ("${p.mix}" is empty in the sessions file)`);
  }

  let scenario: string | null = null;
  if (plan.scenario !== undefined) {
    if (typeof plan.scenario !== 'string' || !/\.(js|ts)$/.test(plan.scenario)) fail('scenario', 'a k6 script path such as load-tests/scenarios/replica-loss.js');
    scenario = isAbsolute(plan.scenario) ? plan.scenario : resolve(repoRoot(), plan.scenario);
  }

  const maxInFlight = plan.maxInFlight ?? defaultMaxInFlight(phases, plan.timeoutMs);
  if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) fail('maxInFlight', 'an integer >= 1');

  if (plan.thresholds !== undefined) {
    if (typeof plan.thresholds !== 'object' || plan.thresholds === null) fail('thresholds', 'an object of metric -> expressions');
    for (const [key, exprs] of Object.entries(plan.thresholds)) {
      parseMetricKey(key);
      if (!Array.isArray(exprs)) fail(`thresholds["${key}"]`, 'an array of threshold expressions');
      exprs.forEach((e, i) => parseThreshold(e, `thresholds["${key}"][${i}]`));
    }
  }

  const readinessPath = plan.readinessPath;
  if (readinessPath !== undefined && readinessPath !== null && (typeof readinessPath !== 'string' || !readinessPath.startsWith('/'))) fail('readinessPath', 'a path starting with "/", or null');
  const liveWindowS = plan.liveWindowS ?? 5;
  if (!(Number.isInteger(liveWindowS) && liveWindowS >= 1 && liveWindowS <= 300)) fail('liveWindowS', 'an integer 1..300');

  return {
    baseUrl: baseUrl!,
    phases,
    totalMs: offset,
    k: plan.k,
    timeoutMs: plan.timeoutMs,
    sessions,
    sessionsPath,
    outDir: resolve(plan.outDir),
    scenario,
    maxInFlight,
    thresholds: plan.thresholds ?? null,
    readinessPath,
    protocol: plan.protocol,
    liveWindowS,
  };
}

/** The phase scheduled at `offsetMs` since load start, or null outside the plan. */
export function phaseAt(phases: readonly TimedPhase[], offsetMs: number): TimedPhase | null {
  for (const p of phases) if (offsetMs >= p.startMs && offsetMs < p.endMs) return p;
  return null;
}
