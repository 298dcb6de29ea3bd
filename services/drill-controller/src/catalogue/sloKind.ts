/** Which kind of SLI an SLO spec measures, and the alerting thresholds shown beside it. */
import { BURN_RATE_ALERTS, type SloStatus } from '@drillbook/contracts';
import type { SloModel } from '@drillbook/alerts';

export function sliKind(m: SloModel): SloStatus['sli'] {
  if (m.threshold) return 'latency';
  const metrics = `${m.events.metric} ${m.total.metric}`;
  if (/ndcg|quality/.test(metrics)) return 'quality';
  if (/fallback|degraded/.test(metrics)) return 'degraded';
  return 'availability';
}

export const BURN_THRESHOLDS: SloStatus['thresholds'] = {
  page: BURN_RATE_ALERTS.filter((a) => a.severity === 'page').map((a) => a.burnRate),
  ticket: BURN_RATE_ALERTS.filter((a) => a.severity === 'ticket').map((a) => a.burnRate),
};
