import type { GpuStatus, ServiceSummary, SloStatus } from '@drillbook/contracts';

/** Overall SLO state of a service, worst first. */
export type SloState = 'breaching' | 'at risk' | 'meeting' | 'no data';

export const SLO_STATE_ORDER: readonly SloState[] = ['breaching', 'at risk', 'meeting', 'no data'];

/**
 * One SLO's state: breaching when attainment is below the objective, the budget is spent or the
 * burn rate reaches the lowest paging threshold; at risk when it burns at or above the lowest
 * ticket threshold (or faster than budget, 1×, when none is given).
 */
export function sloStateOf(slo: SloStatus): SloState {
  const { attainment, errorBudgetRemaining: budget, burnRate, thresholds, objective } = slo;
  if (attainment === null && budget === null && burnRate === null) return 'no data';
  const page = thresholds.page.length ? Math.min(...thresholds.page) : Infinity;
  const ticket = thresholds.ticket.length ? Math.min(...thresholds.ticket) : 1;
  if ((attainment !== null && attainment < objective) || (budget !== null && budget <= 0) || (burnRate !== null && burnRate >= page)) {
    return 'breaching';
  }
  if (burnRate !== null && burnRate >= ticket) return 'at risk';
  return 'meeting';
}

/** The worst state over a service's SLOs ("no data" when it has none with data). */
export function serviceSloState(slos: readonly SloStatus[]): SloState {
  let worst: SloState = 'no data';
  for (const slo of slos) {
    const state = sloStateOf(slo);
    if (SLO_STATE_ORDER.indexOf(state) < SLO_STATE_ORDER.indexOf(worst)) worst = state;
  }
  return worst;
}

/** The smallest error budget left over a service's SLOs, or null when none is known. */
export function minBudgetRemaining(slos: readonly SloStatus[]): number | null {
  const known = slos.map(s => s.errorBudgetRemaining).filter((v): v is number => v !== null);
  return known.length ? Math.min(...known) : null;
}

/** Mean utilisation over real GPU devices; null when there is no GPU or no reading. */
export function meanGpuUtilization(gpu: GpuStatus): number | null {
  if (!gpu.present) return null;
  const readings = gpu.devices.filter(d => d.kind === 'gpu' && d.utilization !== null).map(d => d.utilization as number);
  return readings.length ? readings.reduce((a, b) => a + b, 0) / readings.length : null;
}

export function lastDrillScore(service: ServiceSummary): number | null {
  return service.lastDrill?.score ?? null;
}
