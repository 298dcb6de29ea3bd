/**
 * Game days on a schedule, in one place: schedules (cron + time zone) fired by a scheduler tick,
 * blackout windows that refuse a drill (manual or scheduled) with a 423 naming the window unless an
 * admin overrides (audited), approvals (two-person rule, expiry), notifications, regression
 * tracking and the resilience score. It sits in front of `DrillManager.start` (`admit`) and
 * observes drills through the lifecycle observer registry; one drill per service and the
 * emergency stop stay the DrillManager's, so scheduled drills obey them exactly as manual ones.
 *
 * Time comes from an injectable clock; the scheduler's tick goes through `runOnceAcross(name, fn)`
 * (default: run here) so a highly-available deployment can run it on one controller only.
 */
import { randomUUID } from 'node:crypto';
import type { Approval, Blackout, CalendarResponse, CreateScheduleRequest, DrillSummary, Regression, ResilienceSample, Schedule, ScheduledRun, ScheduleView, Scorecard, StartDrillRequest, StartDrillResponse } from '@drillbook/contracts';
import type { Store } from '../store/types.js';
import type { AccessControl, Actor } from '../server/auth/access.js';
import { allowed, type Principal } from '../server/auth/tokens.js';
import { ApiError } from '../server/errors.js';
import type { DrillLifecycleObserver, ObservedDrill } from '../server/drills/observers.js';
import type { RunbookCatalog } from '../server/drills/runbooks.js';
import { blackoutAt, describeBlackout, parseBlackout } from './blackouts.js';
import type { Clock } from './clock.js';
import type { GameDaysConfig } from './config.js';
import type { GameDayMetrics } from './metrics.js';
import type { Notifier } from './notify/Notifier.js';
import type { Note } from './notify/payloads.js';
import { personOf } from './person.js';
import { compareWithHistory } from './regression.js';
import { resilienceScore } from './resilience.js';
import { nextRuns, occurrences, parseSchedule } from './schedules.js';
import type { GameDayStore } from './store.js';

export type RunOnceAcross = (name: string, fn: () => Promise<void>) => Promise<void>;
export const runLocally: RunOnceAcross = (_name, fn) => fn();

type Launch = (req: StartDrillRequest, who: Actor) => Promise<{ status: 200 | 202; body: StartDrillResponse }>;

export interface GameDaysDeps {
  config: GameDaysConfig;
  services: readonly string[];
  store: GameDayStore;
  drillStore: Pick<Store, 'scorecards' | 'listDrills'>;
  runbooks: Pick<RunbookCatalog, 'get'>;
  access: AccessControl;
  launch: Launch;
  notifier: Notifier;
  metrics: GameDayMetrics;
  clock: Clock;
  runOnceAcross?: RunOnceAcross;
  log: (line: string) => void;
}

/** What an approval keeps beyond its wire shape: whose drill it starts once approved. */
interface StoredApproval extends Approval {
  requester: Principal;
}

/** An admission that did not start a drill: it waits for approval. */
export interface PendingAdmission {
  status: 202;
  body: { state: 'pending-approval'; approval: Approval; drill: null };
}

const publicApproval = ({ requester: _r, ...a }: StoredApproval): Approval => a;

export class GameDays {
  private schedules = new Map<string, Schedule>();
  private blackouts: Blackout[] = [];
  private approvals = new Map<string, StoredApproval>();
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private lastSample = new Map<string, number>();

  constructor(private readonly d: GameDaysDeps) {}

  private now(): number {
    return this.d.clock.now();
  }
  private iso(t = this.now()): string {
    return new Date(t).toISOString();
  }

  async init(): Promise<void> {
    for (const s of await this.d.store.list<Schedule>('schedule')) this.schedules.set(s.id, s);
    this.blackouts = await this.d.store.list<Blackout>('blackout');
    for (const a of await this.d.store.list<StoredApproval>('approval')) this.approvals.set(a.id, a);
    for (const r of await this.d.store.list<Regression>('regression')) this.d.metrics.regressed(r);
    for (const s of this.d.services) await this.refreshResilience(s, false);
  }

  /** Starts the periodic tick (`tickS`); `stop` ends it. */
  start(): void {
    this.timer = setInterval(() => void this.tick(), this.d.config.tickS * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
  }

  /** One scheduler pass (serialised with any other): due schedules, expired approvals, decayed scores. */
  tick(): Promise<void> {
    const run = this.chain.then(() => (this.d.runOnceAcross ?? runLocally)('drillbook-gameday-scheduler', () => this.tickOnce()));
    this.chain = run.catch((e) => this.d.log(`game-day tick failed: ${(e as Error).stack}`));
    return this.chain;
  }

  private async tickOnce(): Promise<void> {
    const now = this.now();
    for (const s of [...this.schedules.values()]) {
      if (s.paused) continue;
      const due = occurrences(s, Date.parse(s.consideredUntil), now);
      s.consideredUntil = this.iso(now);
      await this.d.store.put('schedule', s.id, s);
      const grace = this.d.config.missedAfterS * 1000;
      // Not caught up: only the newest occurrence still within grace runs; every other is missed.
      const runnable = due.filter((t) => now - t <= grace).pop();
      for (const t of due) {
        if (t === runnable) await this.fire(s, t);
        else await this.missed(s, t, now - t > grace ? `the controller did not run at ${this.iso(t)} (first seen ${Math.round((now - t) / 1000)} s later, more than missedAfterS ${this.d.config.missedAfterS} s): not caught up` : `a later occurrence (${this.iso(runnable)}) is due as well: only the newest runs`);
      }
    }
    for (const a of this.approvals.values()) {
      if (a.state === 'pending-approval' && Date.parse(a.expiresAt) <= now) {
        Object.assign(a, { state: 'expired', decidedAt: this.iso(now), decidedBy: null, reason: `no approver decided before ${a.expiresAt}` });
        await this.d.store.put('approval', a.id, a);
        await this.d.access.system('approval.expire', a.id, `drill of runbook ${a.runbook} on ${a.service} requested by ${a.requestedBy} expired unapproved at ${a.expiresAt}`);
      }
    }
    for (const svc of this.d.services) if (now - (this.lastSample.get(svc) ?? 0) >= 3_600_000) await this.refreshResilience(svc, true);
  }

  private scheduleActor(s: Schedule): Actor {
    return { subject: s.createdBy, role: 'operator', services: [s.service], remote: null };
  }

  private async record(run: Omit<ScheduledRun, 'id' | 'recordedAt'>): Promise<ScheduledRun> {
    const r: ScheduledRun = { id: randomUUID(), recordedAt: this.iso(), ...run };
    await this.d.store.put('run', r.id, r);
    return r;
  }

  private async missed(s: Schedule, t: number, reason: string): Promise<void> {
    await this.record({ scheduleId: s.id, runbook: s.runbook, service: s.service, dueAt: this.iso(t), state: 'missed', drillId: null, approvalId: null, reason });
    await this.d.access.system('schedule.missed', s.id, `${s.runbook} on ${s.service} due ${this.iso(t)}: ${reason}`);
    this.d.notifier.send(this.note('missed', s.service, s.runbook, null, `scheduled drill ${s.runbook} on ${s.service} due ${this.iso(t)} was missed`, { schedule: s.id, cron: `${s.cron} (${s.timeZone})`, reason }));
  }

  private async fire(s: Schedule, t: number): Promise<void> {
    const base = { scheduleId: s.id, runbook: s.runbook, service: s.service, dueAt: this.iso(t) };
    const who = this.scheduleActor(s);
    try {
      const pending = await this.admit({ runbook: s.runbook, service: s.service, quick: s.quick }, who, { scheduleId: s.id });
      if (pending) {
        await this.record({ ...base, state: 'pending-approval', drillId: null, approvalId: pending.body.approval.id, reason: null });
        return;
      }
      const r = await this.d.launch({ runbook: s.runbook, service: s.service, quick: s.quick }, who);
      await this.record({ ...base, state: 'started', drillId: r.body.drill.id, approvalId: null, reason: null });
      this.d.log(`schedule ${s.id}: started drill ${r.body.drill.id} (${s.runbook} on ${s.service}, due ${base.dueAt})`);
    } catch (e) {
      const reason = e instanceof ApiError ? `${e.status}: ${e.message}` : (e as Error).message;
      await this.record({ ...base, state: 'refused', drillId: null, approvalId: null, reason });
      this.d.log(`schedule ${s.id}: run due ${base.dueAt} refused: ${reason}`);
    }
  }

  // ---- admission (blackouts, approvals) ----

  private serviceOf(req: StartDrillRequest): string {
    const l = this.d.runbooks.get(req.runbook);
    if (!l) throw new ApiError(404, `unknown runbook "${req.runbook}"`, 'runbook');
    return req.service ?? l.runbook.target.service;
  }

  /**
   * Before a (non-dry-run) drill starts: refuse it in a blackout window (423 naming the window)
   * unless an admin overrides; park it as pending approval when its service requires one. Null:
   * go ahead and start it.
   */
  async admit(req: StartDrillRequest, who: Actor, opts: { overrideBlackout?: boolean; scheduleId?: string; approved?: boolean } = {}): Promise<PendingAdmission | null> {
    if (req.dryRun) return null;
    const service = this.serviceOf(req);
    await this.d.access.require(who, 'launch', 'drill.start', service, service);
    const b = blackoutAt(this.blackouts, service, this.now());
    if (b) {
      if (opts.overrideBlackout && who.role === 'admin') {
        await this.d.access.audit(who, 'blackout.override', b.id, 'ok', `started ${req.runbook} on ${service} inside ${describeBlackout(b)}`);
      } else {
        const hint = opts.overrideBlackout ? ' (only an admin may override a blackout)' : ' (an admin may override with ?overrideBlackout=true)';
        await this.d.access.refuse(who, 'drill.start', service, 423, `drill refused: ${service} is inside ${describeBlackout(b)}${hint}`);
      }
    }
    if (opts.approved || !this.d.config.approvals.services.includes(service)) return null;
    const now = this.now();
    const a: StoredApproval = {
      id: `apr-${randomUUID().slice(0, 8)}`, runbook: req.runbook, service, quick: !!req.quick, state: 'pending-approval', requestedBy: personOf(who), requestedAt: this.iso(now),
      expiresAt: this.iso(now + this.d.config.approvals.expiryS * 1000), scheduleId: opts.scheduleId ?? null, decidedBy: null, decidedAt: null, reason: null, drillId: null,
      requester: { subject: who.subject, role: who.role, services: who.services },
    };
    this.approvals.set(a.id, a);
    await this.d.store.put('approval', a.id, a);
    await this.d.access.audit(who, 'approval.request', a.id, 'ok', `${req.runbook} on ${service}${opts.scheduleId ? ` (schedule ${opts.scheduleId})` : ''}; expires ${a.expiresAt}`);
    this.d.notifier.send(this.note('pending-approval', service, req.runbook, null, `${a.requestedBy} asks to run ${req.runbook} on ${service}: waiting for a second person's approval`, { approval: a.id, expiresAt: a.expiresAt }));
    return { status: 202, body: { state: 'pending-approval', approval: publicApproval(a), drill: null } };
  }

  listApprovals(state?: string): Approval[] {
    return [...this.approvals.values()].filter((a) => !state || a.state === state).reverse().map(publicApproval);
  }

  approval(id: string): Approval {
    const a = this.approvals.get(id);
    if (!a) throw new ApiError(404, `unknown approval "${id}"`);
    return publicApproval(a);
  }

  private async decidable(id: string, who: Actor, action: string): Promise<StoredApproval> {
    const a = this.approvals.get(id);
    if (!a) throw new ApiError(404, `unknown approval "${id}"`);
    if (who.role !== 'approver' && who.role !== 'admin') {
      await this.d.access.audit(who, action, id, 'denied', `role ${who.role}`);
      throw Object.assign(new ApiError(403, `role ${who.role} may not approve or reject drills (needs approver or admin)`), { audited: true });
    }
    if (a.state === 'pending-approval' && Date.parse(a.expiresAt) <= this.now()) await this.tick();
    if (a.state !== 'pending-approval') await this.d.access.refuse(who, action, id, 409, `approval ${id} is ${a.state}, not pending`);
    if (personOf(who) === a.requestedBy) {
      await this.d.access.audit(who, action, id, 'denied', 'two-person rule: the requester may not decide on their own drill');
      throw Object.assign(new ApiError(403, `two-person rule: ${a.requestedBy} requested this drill and may not approve or reject it; another approver must`), { audited: true });
    }
    return a;
  }

  async approve(id: string, who: Actor): Promise<{ approval: Approval; drill: DrillSummary }> {
    const a = await this.decidable(id, who, 'approval.approve');
    const requester: Actor = { ...a.requester, remote: null };
    const b = blackoutAt(this.blackouts, a.service, this.now());
    if (b) await this.d.access.refuse(who, 'approval.approve', id, 423, `cannot start now: ${a.service} is inside ${describeBlackout(b)}; the approval stays pending`);
    const r = await this.d.launch({ runbook: a.runbook, service: a.service, quick: a.quick }, requester);
    Object.assign(a, { state: 'approved', decidedBy: personOf(who), decidedAt: this.iso(), drillId: r.body.drill.id });
    await this.d.store.put('approval', a.id, a);
    await this.d.access.audit(who, 'approval.approve', id, 'ok', `approved ${a.runbook} on ${a.service} requested by ${a.requestedBy}: drill ${r.body.drill.id}`);
    return { approval: publicApproval(a), drill: r.body.drill };
  }

  async reject(id: string, who: Actor, reason: string | undefined): Promise<Approval> {
    const a = await this.decidable(id, who, 'approval.reject');
    Object.assign(a, { state: 'rejected', decidedBy: personOf(who), decidedAt: this.iso(), reason: reason?.trim() || null });
    await this.d.store.put('approval', a.id, a);
    await this.d.access.audit(who, 'approval.reject', id, 'ok', `rejected ${a.runbook} on ${a.service} requested by ${a.requestedBy}${a.reason ? `: ${a.reason}` : ''}`);
    return publicApproval(a);
  }

  // ---- schedules ----

  private view(s: Schedule): ScheduleView {
    return { ...s, nextRuns: s.paused ? [] : nextRuns(s, this.now(), 5).map((t) => this.iso(t)) };
  }

  listSchedules(service?: string): ScheduleView[] {
    return [...this.schedules.values()].filter((s) => !service || s.service === service).map((s) => this.view(s));
  }

  schedule(id: string): ScheduleView {
    const s = this.schedules.get(id);
    if (!s) throw new ApiError(404, `unknown schedule "${id}"`);
    return this.view(s);
  }

  async createSchedule(body: unknown, who: Actor): Promise<ScheduleView> {
    const req: CreateScheduleRequest = parseSchedule(body);
    const l = this.d.runbooks.get(req.runbook);
    if (!l) throw new ApiError(404, `unknown runbook "${req.runbook}"`, 'runbook');
    const service = req.service ?? l.runbook.target.service;
    if (!this.d.services.includes(service)) throw new ApiError(404, `unknown service "${service}"`, 'service');
    if (service !== l.runbook.target.service) throw new ApiError(400, `service: runbook "${req.runbook}" targets service "${l.runbook.target.service}", not "${service}"`, 'service');
    await this.d.access.require(who, 'launch', 'schedule.create', service, service);
    const s: Schedule = {
      id: `sch-${randomUUID().slice(0, 8)}`, runbook: req.runbook, service, cron: req.cron, timeZone: req.timeZone ?? 'UTC', quick: !!req.quick, paused: !!req.paused,
      createdBy: personOf(who), createdAt: this.iso(), consideredUntil: this.iso(),
    };
    await this.d.store.put('schedule', s.id, s);
    this.schedules.set(s.id, s);
    await this.d.access.audit(who, 'schedule.create', s.id, 'ok', `${s.runbook} on ${s.service}: "${s.cron}" ${s.timeZone}${s.paused ? ' (paused)' : ''}`);
    return this.view(s);
  }

  async setPaused(id: string, paused: boolean, who: Actor): Promise<ScheduleView> {
    const s = this.schedules.get(id);
    if (!s) throw new ApiError(404, `unknown schedule "${id}"`);
    await this.d.access.require(who, 'launch', paused ? 'schedule.pause' : 'schedule.resume', id, s.service);
    if (s.paused !== paused) {
      // Occurrences while paused are skipped, not recorded missed: resuming starts from now.
      Object.assign(s, { paused, consideredUntil: this.iso() });
      await this.d.store.put('schedule', s.id, s);
    }
    await this.d.access.audit(who, paused ? 'schedule.pause' : 'schedule.resume', id, 'ok', `${s.runbook} on ${s.service}`);
    return this.view(s);
  }

  async deleteSchedule(id: string, who: Actor): Promise<void> {
    const s = this.schedules.get(id);
    if (!s) throw new ApiError(404, `unknown schedule "${id}"`);
    await this.d.access.require(who, 'launch', 'schedule.delete', id, s.service);
    await this.d.store.remove('schedule', id);
    this.schedules.delete(id);
    await this.d.access.audit(who, 'schedule.delete', id, 'ok', `${s.runbook} on ${s.service}: "${s.cron}" ${s.timeZone}`);
  }

  async runs(q: { scheduleId?: string; state?: string; limit?: number } = {}): Promise<ScheduledRun[]> {
    return (await this.d.store.list<ScheduledRun>('run'))
      .filter((r) => (!q.scheduleId || r.scheduleId === q.scheduleId) && (!q.state || r.state === q.state))
      .reverse()
      .slice(0, q.limit ?? 100);
  }

  // ---- blackouts ----

  listBlackouts(service?: string): Blackout[] {
    return this.blackouts.filter((b) => !service || !b.service || b.service === service);
  }

  private async requireBlackoutRights(who: Actor, action: string, target: string, service: string | undefined): Promise<void> {
    if (service ? allowed(who, 'launch', service) : who.role === 'admin') return;
    await this.d.access.audit(who, action, target, 'denied', `role ${who.role}`);
    throw Object.assign(new ApiError(403, service ? `this token may not manage blackouts of ${service}` : 'only an admin may manage a blackout for every service'), { audited: true });
  }

  async createBlackout(body: unknown, who: Actor): Promise<Blackout> {
    const req = parseBlackout(body, this.d.services);
    await this.requireBlackoutRights(who, 'blackout.create', req.service ?? '*', req.service);
    const b: Blackout = { id: `blk-${randomUUID().slice(0, 8)}`, ...req, createdBy: personOf(who), createdAt: this.iso() };
    await this.d.store.put('blackout', b.id, b);
    this.blackouts.push(b);
    await this.d.access.audit(who, 'blackout.create', b.id, 'ok', describeBlackout(b));
    return b;
  }

  async deleteBlackout(id: string, who: Actor): Promise<void> {
    const b = this.blackouts.find((x) => x.id === id);
    if (!b) throw new ApiError(404, `unknown blackout "${id}"`);
    await this.requireBlackoutRights(who, 'blackout.delete', id, b.service);
    await this.d.store.remove('blackout', id);
    this.blackouts = this.blackouts.filter((x) => x.id !== id);
    await this.d.access.audit(who, 'blackout.delete', id, 'ok', describeBlackout(b));
  }

  // ---- calendar, notifications, regressions, resilience ----

  clockNow(): number {
    return this.now();
  }

  notifications(q: { drillId?: string; limit?: number }) {
    return this.d.notifier.deliveries(q);
  }

  async calendar(fromMs: number, toMs: number, service?: string): Promise<CalendarResponse> {
    const upcoming = [...this.schedules.values()]
      .filter((s) => !s.paused && (!service || s.service === service))
      .flatMap((s) => occurrences(s, fromMs, toMs, 200).map((t) => ({ scheduleId: s.id, runbook: s.runbook, service: s.service, at: this.iso(t), blackout: blackoutAt(this.blackouts, s.service, t)?.name ?? null })))
      .sort((a, b) => a.at.localeCompare(b.at));
    return {
      from: this.iso(fromMs),
      to: this.iso(toMs),
      upcoming,
      blackouts: this.listBlackouts(service),
      approvals: this.listApprovals('pending-approval').filter((a) => !service || a.service === service),
      regressions: (await this.regressions(service)).slice(0, 20),
    };
  }

  async regressions(service?: string): Promise<Regression[]> {
    return (await this.d.store.list<Regression>('regression')).filter((r) => !service || r.service === service).reverse();
  }

  async resilience(service: string): Promise<{ current: ResilienceSample; history: ResilienceSample[] }> {
    const current = await this.computeResilience(service);
    const history = (await this.d.store.list<ResilienceSample>('resilience')).filter((s) => s.service === service);
    return { current, history };
  }

  private async computeResilience(service: string): Promise<ResilienceSample> {
    const rows = await this.d.drillStore.listDrills({ service, limit: 500, dryRuns: false });
    const runs = rows.filter((r) => r.score !== null && r.endedAt).map((r) => ({ runbook: r.runbook, score: r.score!, status: r.state, endedAt: r.endedAt! }));
    return resilienceScore(service, runs, this.now(), this.d.config.resilience.halfLifeDays);
  }

  private async refreshResilience(service: string, keep: boolean): Promise<void> {
    try {
      const s = await this.computeResilience(service);
      this.d.metrics.resilience(service, s.score);
      this.lastSample.set(service, this.now());
      if (keep && s.score !== null) await this.d.store.put('resilience', `${service}@${s.at}`, s);
    } catch (e) {
      this.d.log(`resilience score of ${service} not updated: ${(e as Error).message}`);
    }
  }

  private async onScored(d: ObservedDrill, sc: Scorecard): Promise<void> {
    // Invalid and inconclusive drills did not pass either: teams hear of them as `failed` (the status is in the details).
    const event = sc.status === 'passed' ? 'passed' : sc.status === 'aborted' || sc.status === 'interrupted' ? 'aborted' : 'failed';
    this.d.notifier.send(this.note(event, sc.service, sc.runbook.name, sc.drillId, `drill ${sc.drillId} ${sc.status}: score ${sc.score} — ${sc.statusReason}`, { score: String(sc.score), status: sc.status, requestedBy: d.requestedBy }));
    if (sc.status === 'passed' || sc.status === 'failed') {
      const history = (await this.d.drillStore.scorecards(sc.service, 100)).map((r) => r.scorecard).filter((h) => h.runbook.name === sc.runbook.name && h.drillId !== sc.drillId);
      const r = compareWithHistory(sc, history, this.d.config.regression);
      await this.d.store.put('regression', r.drillId, r);
      this.d.metrics.regressed(r);
      if (r.regressed) {
        this.d.log(`drill ${sc.drillId} regressed against ${r.comparedWith.length} earlier passed drill(s): ${r.reasons.join('; ')}`);
        this.d.notifier.send(this.note('regressed', sc.service, sc.runbook.name, sc.drillId, `drill ${sc.drillId} (${sc.runbook.name} on ${sc.service}) regressed`, { reasons: r.reasons.join('; '), comparedWith: r.comparedWith.join(', ') }));
      }
    }
    await this.refreshResilience(sc.service, true);
  }

  /** The drill lifecycle observer: notifications, regression tracking and the resilience score. */
  observer(): DrillLifecycleObserver {
    const guard = (what: string, p: Promise<void>) => void p.catch((e) => this.d.log(`game days: ${what} failed: ${(e as Error).message}`));
    return {
      started: (d) => this.d.notifier.send(this.note('started', d.service, d.runbook, d.id, `drill ${d.id} (${d.runbook} on ${d.service}) started, requested by ${d.requestedBy}`, { requestedBy: d.requestedBy })),
      scored: (d, sc) => guard(`drill ${d.id} follow-up`, this.onScored(d, sc)),
      endedWithout: (d, state, reason) => this.d.notifier.send(this.note('aborted', d.service, d.runbook, d.id, `drill ${d.id} ${state}: ${reason}`, { status: state })),
    };
  }

  private note(event: Note['event'], service: string, runbook: string, drillId: string | null, summary: string, details: Record<string, string>): Note {
    const base = this.d.config.notifications.externalURL;
    return { event, service, runbook, drillId, summary, details, at: this.iso(), url: drillId ? `${base}/api/v1/drills/${encodeURIComponent(drillId)}` : `${base}/api/v1/calendar` };
  }
}
