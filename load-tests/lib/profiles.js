// Load profiles (the usual smoke / average / peak / stress / spike / soak set). A profile gives the
// arrival rate and length of each phase when a script runs on its own; the drill engine passes
// its own plan in LOAD_PLAN instead.

/**
 * @typedef {'baseline' | 'fault' | 'recovery'} PhaseName
 * @typedef {{ phase: PhaseName, durationS: number, rate: number }} ProfilePhase
 * @typedef {'smoke' | 'average' | 'peak' | 'stress' | 'spike' | 'soak'} ProfileName
 */

/** @type {Readonly<Record<ProfileName, { description: string, phases: ProfilePhase[] }>>} */
export const PROFILES = Object.freeze({
  smoke: {
    description: 'a few requests a second for half a minute: does the script and the target work at all',
    phases: [
      { phase: 'baseline', durationS: 10, rate: 5 },
      { phase: 'fault', durationS: 10, rate: 5 },
      { phase: 'recovery', durationS: 10, rate: 5 },
    ],
  },
  average: {
    description: 'a normal day: the traffic the service sees most of the time',
    phases: [
      { phase: 'baseline', durationS: 60, rate: 50 },
      { phase: 'fault', durationS: 60, rate: 50 },
      { phase: 'recovery', durationS: 60, rate: 50 },
    ],
  },
  peak: {
    description: 'the busiest hour: what the capacity plan is sized for',
    phases: [
      { phase: 'baseline', durationS: 60, rate: 100 },
      { phase: 'fault', durationS: 120, rate: 100 },
      { phase: 'recovery', durationS: 120, rate: 100 },
    ],
  },
  stress: {
    description: 'twice the peak: beyond capacity, load shedding must protect admitted traffic',
    phases: [
      { phase: 'baseline', durationS: 60, rate: 100 },
      { phase: 'fault', durationS: 120, rate: 200 },
      { phase: 'recovery', durationS: 120, rate: 100 },
    ],
  },
  spike: {
    description: 'a sudden burst (a campaign goes live) and back',
    phases: [
      { phase: 'baseline', durationS: 30, rate: 20 },
      { phase: 'fault', durationS: 30, rate: 200 },
      { phase: 'recovery', durationS: 60, rate: 20 },
    ],
  },
  soak: {
    description: 'hours at average load: leaks, slow drifts, expiring faults',
    phases: [
      { phase: 'baseline', durationS: 300, rate: 50 },
      { phase: 'fault', durationS: 1800, rate: 50 },
      { phase: 'recovery', durationS: 300, rate: 50 },
    ],
  },
});

/**
 * @param {string} name
 * @returns {ProfilePhase[]}
 */
export function profilePhases(name) {
  const p = PROFILES[/** @type {ProfileName} */ (name)];
  if (!p) throw new Error(`unknown load profile "${name}": expected one of ${Object.keys(PROFILES).join(', ')}`);
  return p.phases.map((x) => Object.assign({}, x));
}
