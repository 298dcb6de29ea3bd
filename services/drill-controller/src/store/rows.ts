/** Database rows <-> DrillRecord, for both databases (SQLite gives text and 0/1, PostgreSQL jsonb, booleans and Dates). */
import type { DrillPhase, DrillPlan, DrillState } from '@drillbook/contracts';
import type { DrillPatch, DrillRecord } from './types.js';

export interface DrillRow {
  id: string;
  runbook: string;
  runbook_title: string;
  runbook_file: string | null;
  runbook_sha256: string;
  runbook_source: string;
  service: string;
  state: string;
  dry_run: number | boolean;
  quick: number | boolean;
  requested_by: string;
  created_at: string | Date;
  started_at: string | Date | null;
  ended_at: string | Date | null;
  current_phase: string | null;
  status_reason: string | null;
  score: number | null;
  time_to_recover_s: number | null;
  time_to_detect_s: number | null;
  error_budget_consumed: number | null;
  ndcg_ratio: number | null;
  out_dir: string;
  plan: string | DrillPlan;
  notes: string | string[];
}

/** Column of each patchable field. */
export const COLUMN_OF: Record<keyof DrillPatch, string> = {
  state: 'state',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  currentPhase: 'current_phase',
  statusReason: 'status_reason',
  score: 'score',
  timeToRecoverS: 'time_to_recover_s',
  timeToDetectS: 'time_to_detect_s',
  errorBudgetConsumed: 'error_budget_consumed',
  ndcgRatio: 'ndcg_ratio',
  notes: 'notes',
};

export const iso = (v: string | Date | null): string | null => (v === null ? null : v instanceof Date ? v.toISOString() : v);
const doc = <T>(v: string | T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export function fromRow(r: DrillRow): DrillRecord {
  return {
    id: r.id,
    runbook: r.runbook,
    runbookTitle: r.runbook_title,
    runbookFile: r.runbook_file,
    runbookSha256: r.runbook_sha256,
    runbookSource: r.runbook_source,
    service: r.service,
    state: r.state as DrillState,
    dryRun: r.dry_run === true || r.dry_run === 1,
    quick: r.quick === true || r.quick === 1,
    requestedBy: r.requested_by,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    endedAt: iso(r.ended_at),
    currentPhase: r.current_phase as DrillPhase | null,
    statusReason: r.status_reason,
    score: r.score,
    timeToRecoverS: r.time_to_recover_s,
    timeToDetectS: r.time_to_detect_s,
    errorBudgetConsumed: r.error_budget_consumed,
    ndcgRatio: r.ndcg_ratio,
    outDir: r.out_dir,
    plan: doc<DrillPlan>(r.plan),
    notes: doc<string[]>(r.notes),
  };
}
