/**
 * SQLite store (better-sqlite3, WAL journal, synchronous writes): every write is in the WAL when
 * the call returns, so an accepted drill, an injected fault in the journal or an event survives a
 * SIGKILL of the controller the instant after. `synchronous=NORMAL` syncs the WAL at checkpoints,
 * not on every commit: a controller crash loses nothing; a power loss may lose the last commits.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { DrillEvent, DrillJournal, EmergencyStopState, Scorecard } from '@drillbook/contracts';
import { SQLITE_SCHEMA } from './schema.js';
import { COLUMN_OF, fromRow, type DrillRow } from './rows.js';
import type { AuditEntry, DrillPatch, DrillQuery, DrillRecord, NewAuditEntry, ScorecardRow, Store } from './types.js';
import { UNFINISHED_STATES } from './types.js';
import type { Lease, LeaseAcquisition } from './types.js';
import { sqliteAcquireLease, sqliteListLeases, sqliteReleaseLease, sqliteRenewLease } from './leases.js';

const SUMMARY_COLUMNS =
  'id, runbook, runbook_title, runbook_file, runbook_sha256, runbook_source, service, state, dry_run, quick, requested_by, created_at, started_at, ended_at, ' +
  'current_phase, status_reason, score, time_to_recover_s, time_to_detect_s, error_budget_consumed, ndcg_ratio, out_dir, plan, notes';

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(readonly location: string) {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    this.db = new Database(location);
    this.db.pragma('journal_mode = WAL');
    // No fsync per event on the event loop (see above); a committed write survives the process.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SQLITE_SCHEMA);
  }

  /** The journal mode SQLite actually uses (tests check it is WAL). */
  journalMode(): string {
    return String(this.db.pragma('journal_mode', { simple: true }));
  }

  async insertDrill(r: DrillRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO drills (${SUMMARY_COLUMNS}) VALUES (@id, @runbook, @runbookTitle, @runbookFile, @runbookSha256, @runbookSource, @service, @state, @dryRun, @quick, @requestedBy, @createdAt, ` +
          `@startedAt, @endedAt, @currentPhase, @statusReason, @score, @timeToRecoverS, @timeToDetectS, @errorBudgetConsumed, @ndcgRatio, @outDir, @plan, @notes)`,
      )
      .run({ ...r, dryRun: r.dryRun ? 1 : 0, quick: r.quick ? 1 : 0, plan: JSON.stringify(r.plan), notes: JSON.stringify(r.notes) });
  }

  async updateDrill(id: string, patch: DrillPatch): Promise<void> {
    const keys = Object.keys(patch) as Array<keyof DrillPatch>;
    if (!keys.length) return;
    const params: Record<string, unknown> = { id };
    for (const k of keys) params[k] = k === 'notes' ? JSON.stringify(patch.notes) : patch[k];
    this.db.prepare(`UPDATE drills SET ${keys.map((k) => `${COLUMN_OF[k]} = @${k}`).join(', ')} WHERE id = @id`).run(params);
  }

  async saveJournal(id: string, journal: DrillJournal): Promise<void> {
    this.db.prepare('UPDATE drills SET journal = ? WHERE id = ?').run(JSON.stringify(journal), id);
  }

  async saveScorecard(id: string, scorecard: Scorecard): Promise<void> {
    this.db.prepare('UPDATE drills SET scorecard = ? WHERE id = ?').run(JSON.stringify(scorecard), id);
  }

  async getDrill(id: string): Promise<DrillRecord | null> {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM drills WHERE id = ?`).get(id) as DrillRow | undefined;
    return row ? fromRow(row) : null;
  }

  async getJournal(id: string): Promise<DrillJournal | null> {
    const row = this.db.prepare('SELECT journal FROM drills WHERE id = ?').get(id) as { journal: string | null } | undefined;
    return row?.journal ? (JSON.parse(row.journal) as DrillJournal) : null;
  }

  async getScorecard(id: string): Promise<Scorecard | null> {
    const row = this.db.prepare('SELECT scorecard FROM drills WHERE id = ?').get(id) as { scorecard: string | null } | undefined;
    return row?.scorecard ? (JSON.parse(row.scorecard) as Scorecard) : null;
  }

  async listDrills(q: DrillQuery = {}): Promise<DrillRecord[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit ?? 100 };
    if (q.service) (where.push('service = @service'), (params.service = q.service));
    if (q.state) (where.push('state = @state'), (params.state = q.state));
    if (q.dryRuns === false) where.push('dry_run = 0');
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM drills ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT @limit`)
      .all(params) as DrillRow[];
    return rows.map(fromRow);
  }

  async unfinishedDrills(): Promise<DrillRecord[]> {
    const rows = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM drills WHERE state IN (${UNFINISHED_STATES.map((s) => `'${s}'`).join(', ')}) ORDER BY created_at, rowid`).all() as DrillRow[];
    return rows.map(fromRow);
  }

  async scorecards(service: string, limit: number): Promise<ScorecardRow[]> {
    const rows = this.db
      .prepare(`SELECT ${SUMMARY_COLUMNS}, scorecard FROM drills WHERE service = ? AND scorecard IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT ?`)
      .all(service, limit) as Array<DrillRow & { scorecard: string }>;
    return rows.map((r) => ({ drill: fromRow(r), scorecard: JSON.parse(r.scorecard) as Scorecard }));
  }

  async appendEvent(e: DrillEvent): Promise<void> {
    this.db.prepare('INSERT INTO drill_events (drill_id, seq, at, type, body) VALUES (?, ?, ?, ?, ?)').run(e.drillId, e.seq, e.at, e.type, JSON.stringify(e));
  }

  async events(drillId: string, afterSeq = 0): Promise<DrillEvent[]> {
    const rows = this.db.prepare('SELECT body FROM drill_events WHERE drill_id = ? AND seq > ? ORDER BY seq').all(drillId, afterSeq) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as DrillEvent);
  }

  async lastSeq(drillId: string): Promise<number> {
    const row = this.db.prepare('SELECT MAX(seq) AS s FROM drill_events WHERE drill_id = ?').get(drillId) as { s: number | null };
    return row.s ?? 0;
  }

  async appendAudit(e: NewAuditEntry): Promise<AuditEntry> {
    const at = e.at ?? new Date().toISOString();
    const info = this.db
      .prepare('INSERT INTO audit (at, subject, role, action, target, outcome, detail, remote) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(at, e.subject, e.role, e.action, e.target, e.outcome, e.detail, e.remote);
    return { id: Number(info.lastInsertRowid), at, subject: e.subject, role: e.role, action: e.action, target: e.target, outcome: e.outcome, detail: e.detail, remote: e.remote };
  }

  async listAudit(q: { limit?: number; action?: string } = {}): Promise<AuditEntry[]> {
    const rows = q.action
      ? this.db.prepare('SELECT * FROM audit WHERE action = ? ORDER BY id DESC LIMIT ?').all(q.action, q.limit ?? 100)
      : this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(q.limit ?? 100);
    return rows as AuditEntry[];
  }

  async getEmergencyStop(): Promise<EmergencyStopState> {
    const row = this.db.prepare('SELECT active, reason, since, by FROM emergency_stop WHERE id = 1').get() as { active: number; reason: string | null; since: string | null; by: string | null } | undefined;
    return row ? { active: row.active === 1, reason: row.reason, since: row.since, by: row.by } : { active: false, reason: null, since: null, by: null };
  }

  async setEmergencyStop(s: EmergencyStopState): Promise<void> {
    this.db
      .prepare('INSERT INTO emergency_stop (id, active, reason, since, by) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET active = excluded.active, reason = excluded.reason, since = excluded.since, by = excluded.by')
      .run(s.active ? 1 : 0, s.reason, s.since, s.by);
  }

  async acquireLease(name: string, holder: string, ttlMs: number, data: string | null = null): Promise<LeaseAcquisition> {
    return sqliteAcquireLease(this.db, name, holder, ttlMs, data);
  }

  async renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return sqliteRenewLease(this.db, name, holder, ttlMs);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    sqliteReleaseLease(this.db, name, holder);
  }

  async listLeases(prefix: string): Promise<Lease[]> {
    return sqliteListLeases(this.db, prefix);
  }

  async putShared(key: string, value: unknown): Promise<void> {
    this.db.prepare('INSERT INTO shared_state (key, value, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, at = excluded.at').run(key, JSON.stringify(value), new Date().toISOString());
  }

  async getShared<T>(key: string): Promise<{ value: T; at: string } | null> {
    const r = this.db.prepare('SELECT value, at FROM shared_state WHERE key = ?').get(key) as { value: string; at: string } | undefined;
    return r ? { value: JSON.parse(r.value) as T, at: r.at } : null;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
