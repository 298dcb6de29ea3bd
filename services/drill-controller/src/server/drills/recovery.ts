/**
 * Crash recovery. A drill the store says was queued or running when the controller died is
 * marked `interrupted`: its journal (the last one persisted) says which faults it injected, and
 * those are undone on the service now — cleared, paused replicas resumed, stopped ones restarted,
 * a canary cancelled. Then the journal, a scorecard and the report are written, and the drill's
 * event stream ends, so no accepted drill is left hanging or lost.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivityRecord, DrillJournal, Runbook } from '@drillbook/contracts';
import { journalOnlyTarget, undoDrill, type UndoResult } from '../../engine/undo.js';
import { undoTargetOf } from '../../engine/target.js';
import { parseRunbook } from '../../runbook/validate.js';
import { computeScorecard, type SloReference } from '../../scorecard/compute.js';
import { writeOutputs } from '../../report/outputs.js';
import { readLoadResult, type LoadResult } from '../../load/index.js';
import { DEFAULT_SLO } from '../../engine/executor.js';
import type { DrillRecord, Store } from '../../store/types.js';
import type { Targets } from '../targets.js';
import type { EventLog } from './eventLog.js';
import { notify, type DrillLifecycleObserver } from './observers.js';

export interface RecoveryDeps {
  store: Store;
  targets: Targets;
  /** The same lifecycle observers as the DrillManager's (metrics, Grafana annotations). */
  observers: DrillLifecycleObserver[];
  slo: (service: string) => SloReference | undefined;
  eventLog: (id: string, after: number) => EventLog;
  audit: (action: string, target: string, detail: string) => Promise<void>;
  log: (line: string) => void;
  /** Set when a surviving controller takes over a drill whose controller's lease expired (server/ha). */
  takeover?: { by: string; from: string | null; leaseExpiredAt: string | null; at: string };
}

function emptyJournal(r: DrillRecord, slo: SloReference): DrillJournal {
  return {
    schemaVersion: 1,
    drillId: r.id,
    runbook: { name: r.runbook, title: r.runbookTitle, ...(r.runbookFile ? { file: r.runbookFile } : {}), sha256: r.runbookSha256 },
    service: r.service,
    target: { url: '', embedded: false, replicas: [] },
    status: 'interrupted',
    dryRun: false,
    startedAt: r.startedAt ?? r.createdAt,
    modelVersion: null,
    activities: [],
    faults: [],
    faultEvidence: [],
    slo: { ...slo, budgetRemainingAtStart: null },
  };
}

function writeJournalFile(dir: string, j: DrillJournal): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'journal.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(j, null, 2));
  renameSync(`${file}.tmp`, file);
}

async function undo(j: DrillJournal, r: DrillRecord, targets: Targets): Promise<{ result: UndoResult | null; error: string | null }> {
  if (!j.faults.some((f) => !f.clearedAt)) return { result: { cleared: [], restarted: [], unreachable: [] }, error: null };
  const t = targets.get(r.service);
  // Without the target, faults that carry their provider (fault proxy, host processes) are still undone from the journal.
  const fromJournal = () => undoDrill(j, journalOnlyTarget(), 'abort', (f, patch) => Object.assign(f, patch), { providersOnly: true }).catch(() => null);
  if (!t) return { result: await fromJournal(), error: `service ${r.service} is no longer in the catalogue; its faults expire by their TTL` };
  try {
    const target = await t.drill();
    const result = await undoDrill(j, undoTargetOf(target), 'abort', (f, patch) => Object.assign(f, patch));
    return { result, error: null };
  } catch (e) {
    return { result: await fromJournal(), error: `${(e as Error).message}; its faults expire by their TTL` };
  }
}

export async function recoverDrill(r: DrillRecord, d: RecoveryDeps): Promise<void> {
  const slo = d.slo(r.service) ?? DEFAULT_SLO;
  const started = Date.now();
  const stored = await d.store.getJournal(r.id);
  const j = stored ?? emptyJournal(r, slo);
  const injected = j.faults.filter((f) => !f.clearedAt).map((f) => `${f.type}@${f.replica}`);
  j.status = 'interrupted';
  j.endedAt = new Date().toISOString();
  const { result, error } = await undo(j, r, d.targets);
  const tk = d.takeover;
  const record: ActivityRecord = {
    id: tk ? 'rollback.takeover' : 'rollback.recovery',
    name: tk ? `undo what the drill did (taken over by controller ${tk.by})` : 'undo what the drill did (controller restart)',
    kind: 'phase',
    phase: 'rollback',
    status: error ? 'failed' : 'succeeded',
    start: new Date(started).toISOString(),
    end: new Date().toISOString(),
    durationMs: Date.now() - started,
    ...(result ? { output: { ...result, stillActiveWhenTheControllerDied: injected, ...(tk ? { takenOverBy: tk.by, from: tk.from, leaseExpiredAt: tk.leaseExpiredAt, takenOverAt: tk.at } : {}) } } : {}),
    ...(error ? { error } : {}),
  };
  for (const a of j.activities) if (a.status === 'running') Object.assign(a, { status: 'aborted', end: j.endedAt, error: 'the controller stopped' });
  j.activities.push(record);
  await d.store.saveJournal(r.id, j);

  let rb: Runbook | null = null;
  try {
    rb = parseRunbook(r.runbookSource, r.runbookFile ?? `${r.runbook}.yaml`);
  } catch (e) {
    d.log(`drill ${r.id}: its stored runbook no longer parses (${(e as Error).message}); no scorecard`);
  }
  let load: LoadResult | null = null;
  if (j.load) load = await readLoadResult(join(r.outDir, j.load.summaryFile), join(r.outDir, j.load.pointsFile)).catch(() => null);
  let reason = stored ? 'the controller stopped mid-drill; rollbacks ran on restart' : 'the controller stopped before the drill started; nothing was injected';
  if (error) reason = `the controller stopped mid-drill; rollback on restart failed: ${error}`;
  if (tk) {
    const expired = tk.leaseExpiredAt ? ` at ${tk.leaseExpiredAt}` : '';
    const was =
      tk.from === tk.by
        ? `controller ${tk.by} could not renew its lease in time (it expired${expired}) and fenced itself off the drill; it took the drill over at ${tk.at}`
        : `controller ${tk.from ?? '(unknown)'} stopped mid-drill (its lease expired${expired}); controller ${tk.by} took the drill over at ${tk.at}`;
    reason = error ? `${was}; its rollback failed: ${error}` : stored ? `${was} and ran its rollback` : `${was}; nothing was injected`;
  }
  if (!error && result && (result.cleared.length || result.restarted.length)) reason += ` (cleared ${[...result.cleared, ...result.restarted.map((x) => `restart ${x}`)].join(', ')})`;
  let score: number | null = null;
  const ref = { id: r.id, service: r.service, runbook: r.runbook, requestedBy: r.requestedBy };
  if (rb) {
    const sc = { ...computeScorecard({ journal: j, load, runbook: rb, outcome: null, slo, quick: r.quick }), statusReason: reason };
    try {
      writeJournalFile(r.outDir, j);
      writeOutputs(r.outDir, sc, j, rb);
    } catch (e) {
      d.log(`drill ${r.id}: report files not written: ${(e as Error).message}`);
    }
    await d.store.saveScorecard(r.id, sc);
    notify(d.observers, d.log, 'scored', ref, sc);
    score = sc.score;
    await d.store.updateDrill(r.id, { state: 'interrupted', endedAt: j.endedAt, statusReason: reason, score: sc.score, timeToRecoverS: sc.timeToRecoverS, timeToDetectS: sc.timeToDetectS, errorBudgetConsumed: sc.errorBudget.consumed, ndcgRatio: sc.quality.ndcgRatio });
  } else {
    notify(d.observers, d.log, 'endedWithout', ref, 'interrupted', reason);
    await d.store.updateDrill(r.id, { state: 'interrupted', endedAt: j.endedAt, statusReason: reason });
  }
  const log = d.eventLog(r.id, await d.store.lastSeq(r.id));
  log.emit({ type: 'phase', phase: 'rollback', message: `${tk ? `controller ${tk.by} took over from ${tk.from ?? '(unknown)'}` : 'controller restarted'}: ${result ? `undid the drill (${result.cleared.length} fault(s) cleared, ${result.restarted.length} replica(s) restarted, ${result.unreachable.length} unreachable)` : `rollback failed: ${error}`}` });
  log.emit({ type: 'state', message: `drill interrupted: ${reason}`, data: { status: 'interrupted' } });
  log.emit({ type: 'end', message: `drill interrupted: ${reason}`, data: { status: 'interrupted', score, statusReason: reason, reportUrl: score !== null ? `/api/v1/drills/${encodeURIComponent(r.id)}/report` : null } });
  if (tk) await d.audit('drill.takeover', r.id, `taken over by ${tk.by} at ${tk.at} from ${tk.from ?? '(unknown)'} (lease expired ${tk.leaseExpiredAt ?? 'n/a'})`);
  await d.audit('drill.interrupted', r.id, `${r.state} when the controller stopped; faults still active then: ${injected.join(', ') || 'none'}; ${error ? `rollback failed: ${error}` : 'rollbacks ran'}`);
  d.log(`drill ${r.id} (${r.runbook} on ${r.service}) marked interrupted: ${reason}`);
}
