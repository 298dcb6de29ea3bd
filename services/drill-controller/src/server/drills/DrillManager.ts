/**
 * Drills as a service: accept (persisted before the 202), run on the service's target with the
 * engine, follow, abort, emergency stop, shut down cleanly. One drill per service at a time; the
 * emergency stop aborts every running drill and refuses new ones until an admin releases it.
 * Admission and lifecycle only: who may act and the audit log are `AccessControl`'s
 * (server/auth/access.ts); metrics and Grafana annotations are lifecycle observers (./observers.ts);
 * the drill id is the engine's `newDrillId`, the undo target the engine's `undoTargetOf`.
 */
import { newDrillId } from '../../engine/defaults.js';
import { join } from 'node:path';
import type { DrillEvent, DrillPlan, EmergencyStopState, StartDrillRequest, StartDrillResponse, DrillSummary } from '@drillbook/contracts';
import { DEFAULT_SLO, type AbortSource } from '../../engine/executor.js';
import { undoDrill } from '../../engine/undo.js';
import { promqlObjectiveProblems, type LoadedRunbook } from '../../runbook/validate.js';
import { formatProblem } from '../../errors.js';
import type { PromqlSli } from '../../catalogue/promqlSlis.js';
import { buildPlan } from '../../runbook/plan.js';
import { durationMs } from '../../runbook/duration.js';
import { chooseEngine } from '../../load/index.js';
import type { SloReference } from '../../scorecard/compute.js';
import type { DrillRecord, DrillPatch, Store } from '../../store/types.js';
import { undoTargetOf, type DrillTarget } from '../../engine/target.js';
import type { AccessControl, Actor } from '../auth/access.js';
import { ApiError } from '../errors.js';
import type { Targets } from '../targets.js';
import { EventLog, type EventListener } from './eventLog.js';
import { notify, type DrillLifecycleObserver, type ObservedDrill } from './observers.js';
import { DrillHistory } from './history.js';
import type { RunbookCatalog } from './runbooks.js';
import { toSummary } from './summary.js';
import { WorkerDrill, WorkerFailed } from './worker/WorkerDrill.js';
import type { Ha } from '../ha/Ha.js';
import { followStoredEvents } from '../ha/followStored.js';

export interface ServiceInfo {
  id: string;
  /** The availability SLO drills score their error budget against. */
  slo: SloReference;
  /** The service's PromQL SLIs (`services[].slis`): evaluated for scorecards, named by `sli: promql` objectives. */
  slis?: PromqlSli[];
}

export interface DrillManagerDeps {
  store: Store;
  runbooks: RunbookCatalog;
  targets: Targets;
  services: Map<string, ServiceInfo>;
  /** Authorisation and audit of every state change. */
  access: AccessControl;
  /** Metrics, Grafana annotations: told of every drill's start, events and end, and of the emergency stop. */
  observers: DrillLifecycleObserver[];
  dataDir: string;
  loadEngine: 'auto' | 'builtin' | 'k6';
  prometheusUrl?: string;
  log: (line: string) => void;
  /** Leases across controllers (server/ha): one drill per service everywhere, self-fencing. */
  ha?: Ha;
}

interface Active {
  record: DrillRecord;
  loaded: LoadedRunbook;
  log: EventLog;
  drill: { abort(source: AbortSource, reason: string): void } | null;
  abortRequested: { source: AbortSource; reason: string } | null;
  engineEnd: DrillEvent | null;
  done: Promise<void>;
}


export class DrillManager {
  private readonly active = new Map<string, Active>();
  private readonly busy = new Map<string, string>();
  readonly history: DrillHistory;
  private estop: EmergencyStopState = { active: false, reason: null, since: null, by: null };
  private closing = false;
  /** Drills this controller lost the lease of: it stops acting on them and writes nothing more of them. */
  private readonly fenced = new Set<string>();

  constructor(private readonly d: DrillManagerDeps) {
    this.history = new DrillHistory(d.store);
  }

  async init(): Promise<void> {
    this.estop = await this.d.store.getEmergencyStop();
    this.notify('emergencyStop', this.estop.active);
    for (const id of this.d.services.keys()) await this.history.reload(id);
  }

  private notify<K extends keyof DrillLifecycleObserver>(hook: K, ...args: Parameters<NonNullable<DrillLifecycleObserver[K]>>): void {
    notify(this.d.observers, this.d.log, hook, ...args);
  }

  emergencyStop(): EmergencyStopState {
    return { ...this.estop };
  }

  /** The running (or queued) drill of a service, if any. */
  runningOn(service: string): DrillSummary | null {
    const id = this.busy.get(service);
    const a = id ? this.active.get(id) : undefined;
    return a ? toSummary(a.record) : null;
  }

  lastDrill(service: string): DrillSummary | null {
    return this.runningOn(service) ?? this.history.lastDrill(service);
  }

  async start(req: StartDrillRequest, who: Actor): Promise<{ status: 200 | 202; body: StartDrillResponse }> {
    const loaded = this.d.runbooks.get(req.runbook);
    if (!loaded) throw new ApiError(404, `unknown runbook "${req.runbook}"`, 'runbook');
    const rb = loaded.runbook;
    const service = req.service ?? rb.target.service;
    if (!this.d.services.has(service)) throw new ApiError(404, `unknown service "${service}"`, 'service');
    if (service !== rb.target.service) throw new ApiError(400, `runbook "${rb.metadata.name}" targets service "${rb.target.service}", not "${service}"`, 'service');
    const unknownSlis = promqlObjectiveProblems(loaded, (this.d.services.get(service)?.slis ?? []).map((s) => s.name), service);
    if (unknownSlis.length) {
      throw new ApiError(422, `runbook "${rb.metadata.name}" names PromQL SLIs that ${service} does not have:\n${unknownSlis.map(formatProblem).join('\n')}`, 'runbook', unknownSlis.map((p) => ({ field: p.path, message: `${p.file}:${p.line}:${p.column}: ${p.message}` })));
    }
    const dryRun = !!req.dryRun || !!rb.guardrails.dryRun;
    const quick = !!req.quick;
    if (!dryRun) await this.d.access.require(who, 'launch', 'drill.start', service, service);
    const target = this.d.targets.get(service)!;
    const { replicas } = await target.catalogue();
    const id = newDrillId(rb.metadata.name);
    const engine = chooseEngine(this.d.loadEngine, rb.load.scenario).engine;
    let plan: DrillPlan;
    try {
      plan = buildPlan(rb, { quick, engine, replicas: replicas.length ? replicas : undefined, seed: id });
    } catch (e) {
      throw new ApiError(422, `runbook "${rb.metadata.name}" cannot run on ${service}: ${(e as Error).message}`, 'runbook');
    }
    const notes: string[] = [];
    if (rb.stack && target.embedded) notes.push("the runbook's stack section is not applied: drills share the controller's long-lived embedded stack, which is not restarted for a drill");
    if (rb.target.url) notes.push(`the runbook's target.url (${rb.target.url}) is not used: the drill runs on the catalogue's ${service}`);
    plan.guardrails.push(...notes.map((n) => `note: ${n}`));
    const now = new Date().toISOString();
    if (dryRun) {
      const drill: DrillSummary = {
        id: `dry-${id}`, runbook: rb.metadata.name, service, state: 'passed', dryRun: true, requestedBy: who.subject, createdAt: now, startedAt: null, endedAt: null,
        currentPhase: null, score: null, timeToRecoverS: null, errorBudgetConsumed: null, ndcgRatio: null,
        statusReason: rb.guardrails.dryRun && !req.dryRun ? 'dry run (the runbook sets guardrails.dryRun): plan only, nothing touched' : 'dry run: plan only, nothing touched',
        reportUrl: null,
      };
      return { status: 200, body: { drill, plan } };
    }
    if (this.closing) throw new ApiError(503, 'the controller is shutting down: no new drills');
    // Another controller may have engaged the stop since the last heartbeat.
    if (this.d.ha) this.syncEmergencyStop(await this.d.store.getEmergencyStop().catch(() => this.estop));
    if (this.estop.active) await this.d.access.refuse(who, 'drill.start', service, 423, `emergency stop is active (since ${this.estop.since}, by ${this.estop.by}: ${this.estop.reason}): new drills are refused until an admin releases it`);
    const running = this.busy.get(service);
    if (running) await this.d.access.refuse(who, 'drill.start', service, 409, `drill ${running} is already running on ${service}: one drill per service at a time`, 'service');
    this.busy.set(service, id);
    if (this.d.ha) {
      let lease;
      try {
        lease = await this.d.ha.holdDrill(service, id);
      } catch (e) {
        this.busy.delete(service);
        throw new ApiError(503, `the drill lease of ${service} could not be taken (database: ${(e as Error).message}), so the drill was not started`);
      }
      if (!lease.acquired) {
        this.busy.delete(service);
        const l = lease.lease;
        await this.d.access.refuse(who, 'drill.start', service, 409, `drill ${l.data ?? '(unknown)'} is already running on ${service} (on controller ${l.holder}, lease until ${l.expiresAt}): one drill per service at a time`, 'service');
      }
      const prev = lease.replaced?.data ? await this.d.store.getDrill(lease.replaced.data).catch(() => null) : null;
      if (prev && (prev.state === 'queued' || prev.state === 'running')) {
        // Its controller died: the sweep takes it over (rollback first); keep the lease until then.
        this.busy.delete(service);
        await this.d.ha.releaseDrill(service, id);
        void this.d.ha.sweep();
        await this.d.access.refuse(who, 'drill.start', service, 409, `drill ${prev.id} on ${service} was left by controller ${lease.replaced!.holder} (its lease expired at ${lease.replaced!.expiresAt}); it is being taken over and rolled back now: try again in a few seconds`, 'service');
      }
    }
    const record: DrillRecord = {
      id, runbook: rb.metadata.name, runbookTitle: rb.metadata.title, runbookFile: loaded.file, runbookSha256: loaded.sha256, runbookSource: loaded.source, service,
      state: 'queued', dryRun: false, quick, requestedBy: who.subject, createdAt: now, startedAt: null, endedAt: null, currentPhase: null, statusReason: null,
      score: null, timeToRecoverS: null, timeToDetectS: null, errorBudgetConsumed: null, ndcgRatio: null, outDir: join(this.d.dataDir, 'drills', id), plan, notes,
    };
    try {
      await this.d.store.insertDrill(record);
    } catch (e) {
      this.busy.delete(service);
      await this.d.ha?.releaseDrill(service, id);
      await this.d.access.audit(who, 'drill.start', service, 'failed', `could not persist the drill: ${(e as Error).message}`);
      throw new ApiError(503, `the drill could not be persisted, so it was not started: ${(e as Error).message}`);
    }
    const active: Active = { record, loaded, log: this.eventLog(id, 0), drill: null, abortRequested: null, engineEnd: null, done: Promise.resolve() };
    this.active.set(id, active);
    active.log.emit({ type: 'state', message: `drill accepted from ${who.subject}: queued`, data: { status: 'queued', requestedBy: who.subject, runbook: rb.metadata.name, service } });
    for (const n of notes) active.log.emit({ type: 'log', message: `note: ${n}` });
    await this.d.access.audit(who, 'drill.start', id, 'ok', `runbook ${rb.metadata.name} on ${service}${quick ? ' (quick)' : ''}`);
    active.done = new Promise<void>((resolve) => setImmediate(() => void this.run(active).finally(resolve)));
    return { status: 202, body: { drill: toSummary(record), plan } };
  }

  private eventLog(id: string, after: number): EventLog {
    return new EventLog(id, after, (e) => {
      if (this.fenced.has(id)) return;
      this.d.store.appendEvent(e).catch((err: Error) => this.d.log(`event ${e.seq} of drill ${id} not persisted: ${err.message}`));
    });
  }

  private async patch(a: Active, p: DrillPatch): Promise<void> {
    Object.assign(a.record, p);
    if (this.fenced.has(a.record.id)) return;
    try {
      await this.d.store.updateDrill(a.record.id, p);
    } catch (e) {
      this.d.log(`drill ${a.record.id}: state not persisted (${Object.keys(p).join(', ')}): ${(e as Error).message}`);
    }
  }

  private ref(a: Active): ObservedDrill {
    return { id: a.record.id, service: a.record.service, runbook: a.record.runbook, requestedBy: a.record.requestedBy };
  }

  private async run(a: Active): Promise<void> {
    const rec = a.record;
    try {
      let target;
      try {
        target = await this.d.targets.get(rec.service)!.drill();
      } catch (e) {
        return await this.endWithout(a, 'aborted', (e as Error).message);
      }
      if (a.abortRequested) return await this.endWithout(a, 'aborted', `aborted before it started (${a.abortRequested.source}): ${a.abortRequested.reason}`);
      await this.patch(a, { state: 'running', startedAt: new Date().toISOString() });
      this.notify('started', this.ref(a), Date.now());
      const drill = new WorkerDrill(
        {
          runbook: { file: a.loaded.file, source: a.loaded.source, sha256: a.loaded.sha256 },
          options: { drillId: rec.id, outDir: rec.outDir, quick: rec.quick, loadEngine: this.d.loadEngine, prometheusUrl: this.d.prometheusUrl, slo: this.d.services.get(rec.service)?.slo ?? DEFAULT_SLO, serviceSlis: this.d.services.get(rec.service)?.slis },
        },
        target,
        {
          onEvent: (e) => this.onEngineEvent(a, e),
          onJournal: (j) => !this.fenced.has(rec.id) && void this.d.store.saveJournal(rec.id, j).catch((e: Error) => this.d.log(`journal of drill ${rec.id} not persisted: ${e.message}`)),
          onAck: (prompt) => a.log.emit({ type: 'log', message: `acknowledgement "${prompt}" answered "continue" for ${rec.requestedBy}, who launched the drill through the API (API drills are non-interactive)` }),
          log: (l) => this.d.log(`[drill ${rec.id}] ${l}`),
        },
        { maxDurationMs: durationMs(a.loaded.runbook.guardrails.maxDuration), label: a.loaded.runbook.guardrails.maxDuration },
      );
      a.drill = drill;
      // An abort may have arrived while the drill was being set up (the check above was before an await).
      const pending = a.abortRequested as Active['abortRequested'];
      if (pending) drill.abort(pending.source, pending.reason);
      let result;
      try {
        result = await drill.run();
      } catch (e) {
        if (!(e instanceof WorkerFailed)) throw e;
        return await this.workerFailed(a, target, e);
      }
      const sc = result.scorecard;
      if (this.fenced.has(rec.id)) {
        this.d.log(`drill ${rec.id} ended ${sc.status} here after this controller lost its lease: nothing written (the controller that takes it over records it)`);
        return;
      }
      try {
        await this.d.store.saveScorecard(rec.id, sc);
      } catch (e) {
        this.d.log(`scorecard of drill ${rec.id} not persisted: ${(e as Error).message}`);
      }
      await this.patch(a, {
        state: sc.status,
        endedAt: sc.endedAt,
        currentPhase: 'scorecard',
        statusReason: sc.statusReason,
        score: sc.score,
        timeToRecoverS: sc.timeToRecoverS,
        timeToDetectS: sc.timeToDetectS,
        errorBudgetConsumed: sc.errorBudget.consumed,
        ndcgRatio: sc.quality.ndcgRatio,
      });
      this.notify('scored', this.ref(a), sc);
      const end = a.engineEnd;
      a.log.emit({
        type: 'end',
        message: end?.message ?? `drill ${sc.status}: score ${sc.score} — ${sc.statusReason}`,
        data: { status: sc.status, score: sc.score, statusReason: sc.statusReason, reportUrl: toSummary(rec).reportUrl },
      });
    } catch (e) {
      this.d.log(`drill ${rec.id} failed in the controller: ${(e as Error).stack}`);
      if (!a.log.ended) await this.endWithout(a, 'aborted', `drill engine error: ${(e as Error).message}`);
    } finally {
      await this.release(a);
    }
  }

  /** The engine's thread died: undo what its last journal says it did, then end the drill aborted. */
  private async workerFailed(a: Active, target: DrillTarget, e: WorkerFailed): Promise<void> {
    const j = e.journal;
    let undone = 'nothing was recorded as injected';
    if (j) {
      try {
        const r = await undoDrill(j, undoTargetOf(target), 'abort', (f, patch) => Object.assign(f, patch));
        undone = `cleared ${r.cleared.length} fault(s), restarted ${r.restarted.length} replica(s), ${r.unreachable.length} unreachable`;
      } catch (err) {
        undone = `undo failed: ${(err as Error).message}; faults expire by their TTL`;
      }
      Object.assign(j, { status: 'aborted', endedAt: new Date().toISOString(), abort: j.abort ?? { source: e.abort?.source === 'preflight' ? 'guardrail' : (e.abort?.source ?? 'guardrail'), reason: e.abort?.reason ?? e.message, at: new Date().toISOString() } });
      await this.d.store.saveJournal(a.record.id, j).catch(() => {});
    }
    await this.endWithout(a, 'aborted', `${e.message}; ${undone}`);
  }

  private onEngineEvent(a: Active, e: DrillEvent): void {
    if (e.type === 'end') {
      // Held back until the scorecard is stored: a follower that sees `end` can fetch it at once.
      a.engineEnd = e;
      return;
    }
    a.log.emit({ type: e.type, message: e.message, at: e.at, ...(e.phase ? { phase: e.phase } : {}), ...(e.data ? { data: e.data } : {}) });
    if (e.type === 'phase' && e.phase && e.phase !== a.record.currentPhase) void this.patch(a, { currentPhase: e.phase });
    this.notify('event', this.ref(a), e);
  }

  private async endWithout(a: Active, state: 'aborted', reason: string): Promise<void> {
    await this.patch(a, { state, endedAt: new Date().toISOString(), statusReason: reason });
    this.notify('endedWithout', this.ref(a), state, reason);
    a.log.emit({ type: 'state', message: `drill ${state}: ${reason}`, data: { status: state } });
    a.log.emit({ type: 'end', message: `drill ${state}: ${reason}`, data: { status: state, score: null, statusReason: reason, reportUrl: null } });
  }

  private async release(a: Active): Promise<void> {
    if (this.busy.get(a.record.service) === a.record.id) this.busy.delete(a.record.service);
    this.active.delete(a.record.id);
    await this.d.ha?.releaseDrill(a.record.service, a.record.id);
    this.fenced.delete(a.record.id);
    await this.history.reload(a.record.service).catch(() => {});
  }

  private requestAbort(a: Active, source: AbortSource, reason: string): void {
    if (!a.abortRequested) a.abortRequested = { source, reason };
    if (a.drill) a.drill.abort(source, reason);
    else a.log.emit({ type: 'state', message: `aborting (${source}): ${reason}`, data: { status: 'aborting', source } });
  }

  async abort(id: string, reason: string | undefined, who: Actor): Promise<DrillSummary> {
    const a = this.active.get(id);
    if (!a) {
      const rec = await this.d.store.getDrill(id);
      if (!rec) throw new ApiError(404, `unknown drill "${id}"`);
      await this.d.access.require(who, 'abort', 'drill.abort', id, rec.service);
      return this.d.access.refuse(who, 'drill.abort', id, 409, `drill ${id} is ${rec.state}, not running`);
    }
    await this.d.access.require(who, 'abort', 'drill.abort', id, a.record.service);
    const why = reason?.trim() || `aborted by ${who.subject} through the API`;
    // The scorecard and the report keep the reason: it names who aborted ("alice via backstage").
    this.requestAbort(a, 'api', reason?.trim() ? `${why} (by ${who.subject})` : why);
    await this.d.access.audit(who, 'drill.abort', id, 'ok', why);
    return toSummary(a.record);
  }

  async engageEmergencyStop(reason: string | undefined, who: Actor): Promise<EmergencyStopState> {
    await this.d.access.require(who, 'emergency-stop', 'emergency-stop.engage', '*');
    const why = reason?.trim() || 'emergency stop';
    if (!this.estop.active) this.estop = { active: true, reason: why, since: new Date().toISOString(), by: who.subject };
    await this.d.store.setEmergencyStop(this.estop);
    this.notify('emergencyStop', true);
    const aborted = [...this.active.values()].map((a) => {
      this.requestAbort(a, 'emergency-stop', `emergency stop by ${who.subject}: ${why}`);
      return a.record.id;
    });
    await this.d.access.audit(who, 'emergency-stop.engage', '*', 'ok', `${why}; aborted: ${aborted.join(', ') || 'no drill was running'}`);
    return this.emergencyStop();
  }

  async releaseEmergencyStop(who: Actor): Promise<EmergencyStopState> {
    await this.d.access.require(who, 'release', 'emergency-stop.release', '*');
    const was = this.estop;
    this.estop = { active: false, reason: null, since: null, by: null };
    await this.d.store.setEmergencyStop(this.estop);
    this.notify('emergencyStop', false);
    await this.d.access.audit(who, 'emergency-stop.release', '*', 'ok', was.active ? `released the stop engaged by ${was.by} at ${was.since}: ${was.reason}` : 'was not active');
    return this.emergencyStop();
  }

  async get(id: string): Promise<DrillSummary | null> {
    const a = this.active.get(id);
    if (a) return toSummary(a.record);
    const rec = await this.d.store.getDrill(id);
    return rec ? toSummary(rec) : null;
  }

  /** Events after `afterSeq` and, while the drill is active, every new one. Null for an unknown drill. */
  async follow(id: string, afterSeq: number, listener: EventListener): Promise<{ replay: DrillEvent[]; live: boolean; unsubscribe: () => void } | null> {
    const a = this.active.get(id);
    if (a) {
      const f = a.log.follow(afterSeq, listener);
      return { replay: f.replay, live: !a.log.ended, unsubscribe: f.unsubscribe };
    }
    const rec = await this.d.store.getDrill(id);
    if (!rec) return null;
    const replay = await this.d.store.events(id, afterSeq);
    if (this.d.ha && (rec.state === 'queued' || rec.state === 'running') && !replay.some((e) => e.type === 'end')) {
      // Running on another controller (or being taken over): follow what it persists.
      const f = followStoredEvents(this.d.store, id, replay.at(-1)?.seq ?? afterSeq, listener);
      return { replay, live: true, unsubscribe: f.unsubscribe };
    }
    return { replay, live: false, unsubscribe: () => {} };
  }

  activeCount(): number {
    return this.active.size;
  }

  /** Abort every drill (rollbacks run), wait for them to end, refuse new ones. */
  async shutdown(reason: string, timeoutMs = 120_000): Promise<void> {
    this.closing = true;
    const all = [...this.active.values()];
    for (const a of all) this.requestAbort(a, 'signal', reason);
    await Promise.race([Promise.all(all.map((a) => a.done)), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** True while this controller runs (or is starting) the drill (server/ha's sweep skips it). */
  isLocal(id: string): boolean {
    return this.active.has(id) || [...this.busy.values()].includes(id);
  }

  /** This controller lost the drill's lease (server/ha): abort it (its rollback clears its faults) and write nothing more of it. */
  fence(id: string, reason: string): void {
    const a = this.active.get(id);
    if (!a) return;
    this.fenced.add(id);
    this.requestAbort(a, 'guardrail', reason);
  }

  /** The emergency stop as stored (another controller may have engaged or released it). */
  syncEmergencyStop(s: EmergencyStopState): void {
    if (s.active === this.estop.active) return;
    this.estop = { ...s };
    this.notify('emergencyStop', s.active);
    if (!s.active) return this.d.log(`emergency stop released on another controller`);
    this.d.log(`emergency stop engaged on another controller by ${s.by}: ${s.reason}; aborting ${this.active.size} drill(s) here`);
    for (const a of this.active.values()) this.requestAbort(a, 'emergency-stop', `emergency stop by ${s.by}: ${s.reason}`);
  }

  /** Used by crash recovery to continue a drill's event numbering. */
  resumeLog(id: string, after: number): EventLog {
    return this.eventLog(id, after);
  }

}
