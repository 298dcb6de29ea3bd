// The load plan of a run, read from the environment, and the per-phase k6 scenarios built from it.
// Pure functions of their arguments (no k6 imports), so they are unit-tested in Node.
//
// Environment (set by Drillbook's k6 runner, or by hand with `k6 run -e NAME=value`):
//   LOAD_PLAN   JSON array of {phase, durationS, rate, mix}; when absent, PROFILE (or the drill's
//               default profile) with the drill's per-phase mix
//   PROFILE     smoke | average | peak | stress | spike | soak
//   K           items per request (default 10)
//   TIMEOUT_MS  request deadline (default 2000)
//   MAX_VUS     concurrency cap (default: one timeout window of the peak rate, 20..1000)
import { LOAD_PHASES } from './constants.js';
import { profilePhases } from './profiles.js';

/**
 * @typedef {import('./slo.js').PhaseName} PhaseName
 * @typedef {{ phase: PhaseName, durationS: number, rate: number, mix: 'training' | 'drifted' }} PlanPhase
 * @typedef {{ phases: PlanPhase[], k: number, timeoutMs: number, maxVUs: number }} RunPlan
 * @typedef {import('./drills.js').DrillLoad} DrillLoad
 */

/**
 * @param {unknown} v
 * @param {string} field
 * @returns {PlanPhase}
 */
function checkPhase(v, field) {
  const p = /** @type {Record<string, unknown>} */ (v);
  if (typeof v !== 'object' || v === null) throw new Error(`LOAD_PLAN ${field}: expected an object`);
  if (!LOAD_PHASES.includes(/** @type {string} */ (p.phase))) throw new Error(`LOAD_PLAN ${field}.phase: expected one of ${LOAD_PHASES.join(', ')}`);
  if (typeof p.durationS !== 'number' || !(p.durationS > 0)) throw new Error(`LOAD_PLAN ${field}.durationS: expected seconds > 0`);
  if (typeof p.rate !== 'number' || !(p.rate > 0)) throw new Error(`LOAD_PLAN ${field}.rate: expected requests per second > 0`);
  if (p.mix !== 'training' && p.mix !== 'drifted') throw new Error(`LOAD_PLAN ${field}.mix: expected "training" or "drifted"`);
  return /** @type {PlanPhase} */ ({ phase: p.phase, durationS: p.durationS, rate: p.rate, mix: p.mix });
}

/**
 * @param {string | undefined} v
 * @param {number} dflt
 * @param {string} name
 */
function positiveInt(v, dflt, name) {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer, got "${v}"`);
  return n;
}

/**
 * @param {readonly PlanPhase[]} phases
 * @param {number} timeoutMs
 */
export function defaultMaxVUs(phases, timeoutMs) {
  const peak = Math.max(...phases.map((p) => p.rate));
  return Math.min(1000, Math.max(20, Math.ceil((peak * timeoutMs) / 1000)));
}

/**
 * Where SESSIONS_FILE is. k6's `open()` resolves a relative path against the module that calls it
 * (`lib/`), not against the directory k6 was started from; so a relative path is resolved here
 * against the working directory (`PWD`, which `k6 run` passes from the shell's environment).
 * Without `PWD` (`k6 inspect`/`k6 archive` read only `-e` variables) a relative path is refused.
 * @param {string | undefined} file
 * @param {string | undefined} pwd
 * @returns {string}
 */
export function resolveSessionsFile(file, pwd) {
  if (!file) throw new Error('SESSIONS_FILE is not set: pass -e SESSIONS_FILE=<path of the load sessions JSON written by model:build>');
  if (file.charAt(0) === '/' || /^[a-zA-Z]:[\\/]/.test(file) || file.indexOf('file://') === 0) return file;
  if (!pwd) throw new Error(`SESSIONS_FILE "${file}" is relative and the working directory is unknown (no PWD in the environment): pass an absolute path`);
  return `${pwd.replace(/\/+$/, '')}/${file.replace(/^\.\//, '')}`;
}

/**
 * Items per request and the request deadline.
 * @param {Record<string, string | undefined>} env
 */
export function requestSettings(env) {
  return { k: positiveInt(env.K, 10, 'K'), timeoutMs: positiveInt(env.TIMEOUT_MS, 2000, 'TIMEOUT_MS') };
}

/**
 * @param {Record<string, string | undefined>} env
 * @param {DrillLoad} drill
 * @returns {RunPlan}
 */
export function readPlan(env, drill) {
  /** @type {PlanPhase[]} */
  let phases;
  if (env.LOAD_PLAN) {
    let raw;
    try {
      raw = JSON.parse(env.LOAD_PLAN);
    } catch (e) {
      throw new Error(`LOAD_PLAN: expected a JSON array of phases (${/** @type {Error} */ (e).message})`);
    }
    if (!Array.isArray(raw) || raw.length === 0) throw new Error('LOAD_PLAN: expected a non-empty JSON array of phases');
    phases = raw.map((p, i) => checkPhase(p, `[${i}]`));
    const names = phases.map((p) => p.phase);
    if (new Set(names).size !== names.length) throw new Error(`LOAD_PLAN: each phase at most once, got ${names.join(', ')}`);
  } else {
    phases = profilePhases(env.PROFILE || drill.profile).map((p) => Object.assign({}, p, { mix: drill.mix[p.phase] || 'training' }));
  }
  const { k, timeoutMs } = requestSettings(env);
  const maxVUs = positiveInt(env.MAX_VUS, defaultMaxVUs(phases, timeoutMs), 'MAX_VUS');
  return { phases, k, timeoutMs, maxVUs };
}

/**
 * One constant-arrival-rate scenario per phase, named after the phase and started at the end of
 * the previous one, so every sample carries the tag `scenario:<phase>`.
 * @param {RunPlan} plan
 * @param {string} exec name of the exported function each iteration runs
 */
export function phaseScenarios(plan, exec) {
  /** @type {Record<string, import('k6/options').ConstantArrivalRateScenario>} */
  const scenarios = {};
  let offsetMs = 0;
  for (const p of plan.phases) {
    const durationMs = Math.round(p.durationS * 1000);
    scenarios[p.phase] = {
      executor: 'constant-arrival-rate',
      exec,
      rate: p.rate,
      timeUnit: '1s',
      duration: `${durationMs}ms`,
      startTime: `${offsetMs}ms`,
      preAllocatedVUs: Math.min(plan.maxVUs, Math.max(1, Math.ceil(p.rate / 10))),
      maxVUs: plan.maxVUs,
      // Requests still running when the phase ends may finish (they keep their phase's tag).
      gracefulStop: `${plan.timeoutMs + 1000}ms`,
      env: { MIX: p.mix, RATE: String(p.rate) },
    };
    offsetMs += durationMs;
  }
  return scenarios;
}

/**
 * ms between iteration n's scheduled start (its scenario's start + n / rate) and `nowMs`, never
 * negative; null without a rate. A constant-arrival-rate iteration that k6 could not start on time
 * (no free VU, a starved host) shows here; one it could not start at all is a dropped iteration.
 * @param {number} startTimeMs the scenario's start (`exec.scenario.startTime`, ms since the epoch)
 * @param {number} n the iteration within the scenario (`exec.scenario.iterationInTest`)
 * @param {number} rate the scenario's arrival rate, per second
 * @param {number} nowMs
 * @returns {number | null}
 */
export function scheduleLagMs(startTimeMs, n, rate, nowMs) {
  if (!(rate > 0)) return null;
  return Math.max(0, nowMs - (startTimeMs + (n * 1000) / rate));
}
