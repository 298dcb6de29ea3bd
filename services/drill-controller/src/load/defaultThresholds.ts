/**
 * The thresholds the built-in engine evaluates when the plan gives none: the drill's own, read from
 * the same module the k6 scripts build their `options.thresholds` from (load-tests/lib/drills.js),
 * so both engines report the same thresholds for the same drill; the service SLO defaults otherwise.
 */
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoadPhaseName } from '@drillbook/contracts';
import type { NormalizedPlan } from './plan.js';
import { repoRoot } from './repo.js';
import type { ThresholdMap } from './types.js';

interface DrillsModule {
  DRILLS: Record<string, unknown>;
  drillThresholds(name: string, phases: readonly LoadPhaseName[]): ThresholdMap;
}
interface SloModule {
  DEFAULT_SLO: object;
  sloThresholds(slo: object, phases: readonly LoadPhaseName[]): ThresholdMap;
}

async function loadLib<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(join(repoRoot(), 'load-tests', 'lib', file)).href)) as T;
}

/** The drill a k6 script path stands for: `load-tests/scenarios/zone-loss.js` -> `zone-loss`. */
export function drillOfScenario(scenario: string): string {
  return basename(scenario).replace(/\.(js|ts)$/, '');
}

export async function thresholdsForPlan(plan: NormalizedPlan): Promise<ThresholdMap> {
  if (plan.thresholds) return plan.thresholds;
  const phases = plan.phases.map((p) => p.phase);
  if (plan.scenario) {
    const drills = await loadLib<DrillsModule>('drills.js');
    const name = drillOfScenario(plan.scenario);
    if (Object.hasOwn(drills.DRILLS, name)) return drills.drillThresholds(name, phases);
  }
  const slo = await loadLib<SloModule>('slo.js');
  return slo.sloThresholds(slo.DEFAULT_SLO, phases);
}
