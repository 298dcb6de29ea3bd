/** DrillRecord (what the store keeps) -> DrillSummary (what the API shows). */
import { API_PREFIX, type DrillSummary } from '@drillbook/contracts';
import type { DrillRecord } from '../../store/types.js';

export const reportPath = (id: string) => `${API_PREFIX}/drills/${encodeURIComponent(id)}/report`;

/** A drill has a scorecard (and so a report) once it has a score; drills that never ran have neither. */
export function toSummary(r: DrillRecord): DrillSummary {
  return {
    id: r.id,
    runbook: r.runbook,
    service: r.service,
    state: r.state,
    dryRun: r.dryRun,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    currentPhase: r.currentPhase,
    score: r.score,
    timeToRecoverS: r.timeToRecoverS,
    timeToDetectS: r.timeToDetectS,
    errorBudgetConsumed: r.errorBudgetConsumed,
    ndcgRatio: r.ndcgRatio,
    statusReason: r.statusReason,
    reportUrl: r.score !== null && !r.dryRun ? reportPath(r.id) : null,
  };
}
