/** Sloth's identifying labels and the PromQL filter that selects one SLO's series. */
import type { SloModel } from '../spec/model.js';

export const SLOTH_LABEL = {
  id: 'sloth_id',
  service: 'sloth_service',
  slo: 'sloth_slo',
  window: 'sloth_window',
  severity: 'sloth_severity',
} as const;

export function idLabels(slo: SloModel): Record<string, string> {
  return { [SLOTH_LABEL.id]: slo.slothId, [SLOTH_LABEL.service]: slo.service, [SLOTH_LABEL.slo]: slo.slothSlo };
}

/** Identifying labels plus the spec's own labels, as every rule of the SLO carries them. */
export function ruleLabels(slo: SloModel, extra: Record<string, string> = {}): Record<string, string> {
  return { ...slo.labels, ...idLabels(slo), ...extra };
}

/** `{sloth_id="…", sloth_service="…", sloth_slo="…"}` */
export function sloFilter(slo: SloModel): string {
  return `{${Object.entries(idLabels(slo))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}

/** The labels an alert keeps: every label of the SLI recordings but `sloth_window` (Sloth's `max … without (sloth_window)`). */
export function alertSeriesLabels(slo: SloModel): Record<string, string> {
  return ruleLabels(slo);
}
