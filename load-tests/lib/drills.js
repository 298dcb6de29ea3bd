// The game-day drills: for each, the hypothesis its load checks, the profile it runs when started
// on its own, the query/user mix per phase, and the SLOs its thresholds mirror. One entry per
// script in ../scenarios/ (the script with the same name). Pure data: the k6 scripts and
// Drillbook's built-in load engine both read it.
import { sloThresholds } from './slo.js';

/**
 * @typedef {import('./slo.js').SloSpec} SloSpec
 * @typedef {import('./slo.js').PhaseName} PhaseName
 * @typedef {import('./profiles.js').ProfileName} ProfileName
 * @typedef {Object} DrillLoad
 * @property {string} title
 * @property {string} hypothesis what the load shows when the drill passes
 * @property {ProfileName} profile
 * @property {Partial<Record<PhaseName, 'training' | 'drifted'>>} mix phases not named draw the training mix
 * @property {SloSpec} slo
 */

/** @type {Readonly<Record<string, DrillLoad>>} */
export const DRILLS = Object.freeze({
  'replica-loss': {
    title: 'Replica loss under peak load',
    hypothesis: 'killing 1 of 3 replicas at peak costs no failed request and no latency breach',
    profile: 'peak',
    mix: {},
    slo: { availability: 0.999, phaseAvailability: { fault: 0.999 }, p99Ms: 250 },
  },
  'zone-loss': {
    title: 'Zone loss',
    hypothesis: 'losing every replica of one zone keeps the service up: capacity holds or excess load is shed quickly',
    profile: 'peak',
    mix: {},
    slo: { availability: 0.99, phaseAvailability: { baseline: 0.999, recovery: 0.999 }, admittedP99Ms: 250 },
  },
  'bad-model-deploy': {
    title: 'Bad model deploy',
    hypothesis: 'a signed model with corrupted weights keeps serving within SLO while ranking quality exposes it and it is rolled back',
    profile: 'average',
    mix: {},
    slo: { availability: 0.999, p99Ms: 250, maxDegradedShare: { baseline: 0.01, recovery: 0.01 } },
  },
  'model-load-failure': {
    title: 'Model-load failure / cold start',
    hypothesis: 'when the model cannot load, the popularity fallback serves every request, marked degraded',
    profile: 'average',
    mix: {},
    slo: { availability: 0.999, p99Ms: 250, maxDegradedShare: { baseline: 0.01, recovery: 0.01 } },
  },
  'dependency-outage': {
    title: 'Feature-store outage and slow dependency',
    hypothesis: 'deadlines and the fallback keep p99 within SLO while the feature lookup fails or slows down',
    profile: 'average',
    mix: {},
    slo: { availability: 0.999, p99Ms: 250, maxDegradedShare: { baseline: 0.01, recovery: 0.01 } },
  },
  overload: {
    title: 'Overload (2x capacity)',
    hypothesis: 'at twice the capacity, load shedding keeps the latency SLO for the traffic that is admitted',
    profile: 'stress',
    mix: {},
    // Recovery as the runbook's objective: up to 1% shed while the last of the backlog drains.
    slo: { phaseAvailability: { baseline: 0.999, recovery: 0.99 }, admittedP99Ms: 250 },
  },
  'accelerator-saturation': {
    title: 'Accelerator saturation',
    hypothesis: 'with the accelerator saturated, latency objectives say whether the service coped',
    profile: 'peak',
    mix: {},
    slo: { availability: 0.999, p99Ms: 250 },
  },
  'data-drift': {
    title: 'Data drift',
    hypothesis: 'when the query/user mix drifts from training, drift detection fires and serving stays within SLO',
    profile: 'average',
    mix: { fault: 'drifted' },
    slo: { availability: 0.999, p99Ms: 250, maxDegradedShare: { baseline: 0.01, fault: 0.01, recovery: 0.01 } },
  },
  'model-store-loss': {
    title: 'Model-store loss',
    hypothesis: 'a replica whose local registry is wiped restores the serving version from backup while the others serve within SLO',
    profile: 'average',
    mix: {},
    slo: { availability: 0.999, p99Ms: 250 },
  },
  'model-store-down-deploy': {
    title: 'Model store down during a rolling deploy',
    hypothesis: 'with the model store down, a rolling deploy stops and rolls back, every replica keeps serving the verified old version and a restarted replica comes back from its cache, within SLO',
    profile: 'average',
    mix: {},
    slo: { availability: 0.999, p99Ms: 250 },
  },
  'model-store-down-scale-out': {
    title: 'Model store down during a scale-out',
    hypothesis: 'with the model store down, a replica added to scale out starts from a warm cache while the others serve within SLO',
    profile: 'average',
    mix: {},
    slo: { availability: 0.999, p99Ms: 250 },
  },
  'model-store-corrupt-artifact': {
    title: 'Corrupted artefact in the model store',
    hypothesis: 'a corrupted store artefact is refused by sha256, no replica serves it and serving continues on the verified version within SLO',
    profile: 'average',
    mix: {},
    slo: { availability: 0.999, p99Ms: 250 },
  },
  'model-store-disk-loss': {
    title: 'Model store disk loss (RPO)',
    hypothesis: 'when the model store loses its disk every registered version is restored from the backup location while serving stays within SLO',
    profile: 'average',
    mix: {},
    slo: { availability: 0.999, p99Ms: 250 },
  },
});

/**
 * @param {string} name
 * @returns {DrillLoad}
 */
export function drill(name) {
  const d = DRILLS[name];
  if (!d) throw new Error(`unknown drill "${name}": expected one of ${Object.keys(DRILLS).join(', ')}`);
  return d;
}

/**
 * The thresholds of a drill over the given phases.
 * @param {string} name
 * @param {readonly PhaseName[]} phases
 */
export function drillThresholds(name, phases) {
  return sloThresholds(drill(name).slo, phases);
}
