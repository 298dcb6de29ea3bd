/**
 * Controllers in HA on one database (PostgreSQL; on SQLite the same API with one controller).
 *
 * - Drill leases: `drill:<service>` is held by the controller running that service's drill (its
 *   data is the drill id), renewed every ttl/4 on its own timer. One drill per service across controllers follows:
 *   a second controller cannot take the lease while it is live, and answers 409.
 * - Self-fencing: a controller that cannot renew a drill lease (the database is unreachable, or
 *   the lease expired and another took it) stops acting on that drill: `onLost` aborts it, so its
 *   rollback clears its faults, and nothing it does afterwards is written to the store.
 *   It fences before the lease can expire on the database: a timer at 3/4 of the ttl after the last
 *   successful renewal was sent, independent of renewals that hang.
 * - Takeover: every ttl/3 each controller looks for unfinished drills whose lease expired (their
 *   controller died or was cut off), claims the lease atomically and hands the drill to `takeOver`
 *   (mark interrupted, run its rollback, record who and when), then releases the lease.
 * - Emergency stop: read from the store on every tick and handed to `onEmergencyStop`, so a stop
 *   engaged on one controller holds on all.
 * - `lead(name, ttlMs)`: generic leader election for work that must run once across controllers
 *   (catalogue refresh, schedules). See README "Controllers in HA".
 */
import type { EmergencyStopState } from '@drillbook/contracts';
import type { DrillRecord, Lease, LeaseAcquisition, Store } from '../../store/types.js';
import type { HaOptions } from './options.js';

export const DRILL_LEASE_PREFIX = 'drill:';
export const LEAD_LEASE_PREFIX = 'lead:';
export const TAKEOVER_LEASE_PREFIX = 'takeover:';

export interface Takeover {
  /** The controller that took the drill over (this one). */
  by: string;
  /** The controller whose lease expired (null when no lease was found). */
  from: string | null;
  leaseExpiredAt: string | null;
  at: string;
}

export interface HaHooks {
  /** True while this controller runs (or is starting) the drill. */
  isLocal(drillId: string): boolean;
  /** This controller lost a drill's lease: stop acting on it now. */
  onLost(drillId: string, reason: string): void;
  /** Mark the drill interrupted and run its rollback (server/drills/recovery.ts); `t` null: the drill was this controller's before it restarted. */
  takeOver(drill: DrillRecord, t: Takeover | null): Promise<void>;
  onEmergencyStop(s: EmergencyStopState): void;
}

interface Held {
  drillId: string;
  lastRenewedAt: number;
  lost: boolean;
  lastError?: string | null;
  /** Fires at 3/4 of the ttl after the last renewal was sent, unless a renewal succeeds first. */
  fence: NodeJS.Timeout | null;
}

export class Ha {
  readonly controllerId: string;
  readonly leaseTtlMs: number;
  private readonly held = new Map<string, Held>();
  private readonly leading = new Set<string>();
  private readonly takingOver = new Set<string>();
  /** Drills this controller fenced itself off: taken over like anyone else's, never "mine from before". */
  private readonly fencedOff = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private beatTimer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private sweeping: Promise<Array<Promise<void>>> | null = null;
  private hooks: HaHooks | null = null;
  private stopped = false;

  constructor(
    private readonly store: Store,
    opts: HaOptions,
    private readonly log: (line: string) => void,
  ) {
    this.controllerId = opts.controllerId;
    this.leaseTtlMs = opts.leaseTtlMs;
  }

  get tickMs(): number {
    return Math.max(200, Math.floor(this.leaseTtlMs / 3));
  }

  /** Starts the heartbeat loop (every ttl/4) and the takeover / emergency-stop loop (every ttl/3). The first sweep runs now. */
  async start(hooks: HaHooks): Promise<void> {
    this.hooks = hooks;
    // Drills this controller left when it last stopped are recovered before it serves.
    await Promise.all(await this.sweep());
    await this.tick();
    // Renewals on their own loop (every ttl/4): a slow sweep never holds a heartbeat up.
    const beat = () => {
      if (this.stopped) return;
      this.beatTimer = setTimeout(() => void this.renew().finally(beat), Math.max(100, Math.floor(this.leaseTtlMs / 4)));
      this.beatTimer.unref();
    };
    beat();
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.tick().finally(loop), this.tickMs);
      this.timer.unref();
    };
    loop();
  }

  /**
   * Leader election for work that must run once across controllers: true when this controller
   * holds (or has just taken) the lease `lead:<name>` for the next `ttlMs`. Call it before each
   * run of the work, at an interval shorter than `ttlMs`; a database error answers false (never
   * two leaders: a controller that cannot reach the database does not lead). Released on stop.
   */
  async lead(name: string, ttlMs = this.leaseTtlMs): Promise<boolean> {
    if (this.stopped) return false;
    try {
      const r = await this.store.acquireLease(`${LEAD_LEASE_PREFIX}${name}`, this.controllerId, ttlMs);
      if (r.acquired && !this.leading.has(name)) this.log(`ha: ${this.controllerId} now leads "${name}"${r.replaced ? ` (took over from ${r.replaced.holder}, whose lease expired)` : ''}`);
      if (r.acquired) this.leading.add(name);
      else this.leading.delete(name);
      return r.acquired;
    } catch (e) {
      if (this.leading.delete(name)) this.log(`ha: lost the lead of "${name}": ${(e as Error).message}`);
      return false;
    }
  }

  /** Claims the drill lease of a service for a new drill. */
  async holdDrill(service: string, drillId: string): Promise<LeaseAcquisition> {
    const sent = Date.now();
    const r = await this.store.acquireLease(`${DRILL_LEASE_PREFIX}${service}`, this.controllerId, this.leaseTtlMs, drillId);
    if (r.acquired) {
      const h: Held = { drillId, lastRenewedAt: sent, lost: false, fence: null };
      this.held.set(service, h);
      this.armFence(service, h);
    }
    return r;
  }

  async releaseDrill(service: string, drillId: string): Promise<void> {
    const h = this.held.get(service);
    if (!h || h.drillId !== drillId) return;
    this.held.delete(service);
    if (h.fence) clearTimeout(h.fence);
    if (h.lost) return; // another controller may hold it now
    await this.store.releaseLease(`${DRILL_LEASE_PREFIX}${service}`, this.controllerId).catch((e: Error) => this.log(`ha: lease of ${service} not released (it expires by itself): ${e.message}`));
  }

  /** True while this controller holds the drill's lease and has not fenced itself. */
  holds(drillId: string): boolean {
    return [...this.held.values()].some((h) => h.drillId === drillId && !h.lost);
  }

  private tick(): Promise<void> {
    return (this.ticking ??= (async () => {
      try {
        await this.syncEmergencyStop();
        await this.sweep(); // claims only: the takeovers' rollbacks run on, so renewals are never held up
      } finally {
        this.ticking = null;
      }
    })());
  }

  /** The fence timer: independent of the renewals, so a renewal hung on a dead connection cannot delay it. */
  private armFence(service: string, h: Held): void {
    if (h.fence) clearTimeout(h.fence);
    const at = h.lastRenewedAt + Math.floor(this.leaseTtlMs * 0.75);
    h.fence = setTimeout(() => this.lose(h, `the lease on ${service} could not be renewed for ${((Date.now() - h.lastRenewedAt) / 1000).toFixed(1)}s (${h.lastError ?? 'no answer from the database'})`), Math.max(0, at - Date.now()));
    h.fence.unref();
  }

  private lose(h: Held, why: string): void {
    if (h.lost || ![...this.held.values()].includes(h)) return;
    h.lost = true;
    this.fencedOff.add(h.drillId);
    if (h.fence) clearTimeout(h.fence);
    this.log(`ha: ${this.controllerId} fences itself off drill ${h.drillId}: ${why}`);
    this.hooks?.onLost(h.drillId, `controller ${this.controllerId} lost its lease: ${why}; it stops acting on the drill`);
  }

  private async renew(): Promise<void> {
    await Promise.all(
      [...this.held].map(async ([service, h]) => {
        if (h.lost) return;
        const sent = Date.now();
        try {
          if (await this.store.renewLease(`${DRILL_LEASE_PREFIX}${service}`, this.controllerId, this.leaseTtlMs)) {
            if (h.lost) return;
            h.lastRenewedAt = sent;
            h.lastError = null;
            this.armFence(service, h);
          } else this.lose(h, `the lease on ${service} expired or is held by another controller`);
        } catch (e) {
          h.lastError = (e as Error).message;
        }
      }),
    );
  }

  private async syncEmergencyStop(): Promise<void> {
    try {
      this.hooks?.onEmergencyStop(await this.store.getEmergencyStop());
    } catch {
      /* the database is unreachable: the drill leases fence */
    }
  }

  /**
   * Takes over every unfinished drill whose controller's lease expired (one sweep at a time);
   * resolves once the claims are made, with the takeovers (rollbacks) still running.
   */
  sweep(): Promise<Array<Promise<void>>> {
    return (this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = null)));
  }

  private async sweepOnce(): Promise<Array<Promise<void>>> {
    const hooks = this.hooks;
    const running: Array<Promise<void>> = [];
    if (!hooks || this.stopped) return running;
    let unfinished: DrillRecord[];
    let leases: Lease[];
    try {
      unfinished = await this.store.unfinishedDrills();
      leases = await this.store.listLeases(DRILL_LEASE_PREFIX);
    } catch {
      return running; // the database is unreachable; the next tick tries again
    }
    for (const r of unfinished) {
      if (hooks.isLocal(r.id) || this.takingOver.has(r.id)) continue;
      const l = leases.find((x) => x.name === `${DRILL_LEASE_PREFIX}${r.service}`) ?? null;
      const mineFromBefore = l !== null && l.data === r.id && l.holder === this.controllerId && !this.fencedOff.has(r.id); // this controller restarted under the same id
      if (l && !l.expired && l.data === r.id && !mineFromBefore) continue; // its controller is alive
      // Claim it: the service lease when it is this drill's (or free), a takeover lease otherwise.
      const name = !l || l.data === r.id ? `${DRILL_LEASE_PREFIX}${r.service}` : `${TAKEOVER_LEASE_PREFIX}${r.id}`;
      let claim: LeaseAcquisition;
      try {
        claim = await this.store.acquireLease(name, this.controllerId, this.leaseTtlMs, r.id);
      } catch {
        continue;
      }
      if (!claim.acquired) continue;
      // Re-read: the drill may have ended (or been taken over) while we looked.
      const now = await this.store.getDrill(r.id).catch(() => null);
      if (!now || (now.state !== 'queued' && now.state !== 'running') || hooks.isLocal(r.id) || this.takingOver.has(r.id)) {
        if (!hooks.isLocal(r.id) && !this.takingOver.has(r.id)) await this.store.releaseLease(name, this.controllerId).catch(() => {});
        continue;
      }
      const from = claim.replaced ?? (l && l.data === r.id ? l : null);
      const t = mineFromBefore ? null : { by: this.controllerId, from: from?.holder ?? null, leaseExpiredAt: from?.expiresAt ?? null, at: new Date().toISOString() };
      running.push(this.takeOver(now, name, t));
    }
    return running;
  }

  /** Runs `takeOver` while renewing the claim; then releases it. */
  private async takeOver(r: DrillRecord, lease: string, t: Takeover | null): Promise<void> {
    this.takingOver.add(r.id);
    if (t) this.log(`ha: ${t.by} takes over drill ${r.id} on ${r.service} from ${t.from ?? 'an unknown controller'} (lease expired ${t.leaseExpiredAt ?? 'n/a'})`);
    else this.log(`ha: drill ${r.id} on ${r.service} was this controller's (${this.controllerId}) before it restarted: recovering it`);
    const keep = setInterval(() => void this.store.renewLease(lease, this.controllerId, this.leaseTtlMs).catch(() => {}), this.tickMs);
    try {
      await this.hooks!.takeOver(r, t);
    } catch (e) {
      this.log(`ha: takeover of drill ${r.id} failed (the next sweep retries): ${(e as Error).stack ?? (e as Error).message}`);
    } finally {
      clearInterval(keep);
      this.takingOver.delete(r.id);
      this.fencedOff.delete(r.id);
      await this.store.releaseLease(lease, this.controllerId).catch(() => {});
    }
  }

  /** Stops the loop and gives back every lease this controller holds. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.beatTimer) clearTimeout(this.beatTimer);
    await this.ticking?.catch(() => {});
    for (const name of this.leading) await this.store.releaseLease(`${LEAD_LEASE_PREFIX}${name}`, this.controllerId).catch(() => {});
    this.leading.clear();
  }
}
