// Options of a drill script: per-phase scenarios from the run plan, the drill's SLO thresholds,
// and the summary stats the drill engine reads. Pure (no k6 imports).
import { SUMMARY_TREND_STATS } from './constants.js';
import { drill, drillThresholds } from './drills.js';
import { phaseScenarios, readPlan } from './plan.js';

/** Name of the exported function every phase scenario runs. */
export const FLOW_EXEC = 'recommend';

/**
 * @param {string} name drill name (a key of DRILLS)
 * @param {Record<string, string | undefined>} env usually k6's `__ENV`
 * @returns {import('k6/options').Options}
 */
export function drillOptions(name, env) {
  const plan = readPlan(env, drill(name));
  return {
    scenarios: phaseScenarios(plan, FLOW_EXEC),
    thresholds: drillThresholds(
      name,
      plan.phases.map((p) => p.phase),
    ),
    summaryTrendStats: [...SUMMARY_TREND_STATS],
    setupTimeout: '30s',
  };
}
