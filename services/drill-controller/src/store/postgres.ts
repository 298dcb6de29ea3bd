/**
 * PostgreSQL store (`pg`). Writes go through one ordered chain, so a journal saved after an event
 * never lands before it; journal saves queued behind another write are coalesced into the newest
 * one. Reads wait for the writes issued before them (read-your-writes within this controller).
 */
import pg from 'pg';
import type { DrillEvent, DrillJournal, EmergencyStopState, Scorecard } from '@drillbook/contracts';
import { POSTGRES_SCHEMA } from './schema.js';
import { COLUMN_OF, fromRow, iso, type DrillRow } from './rows.js';
import type { AuditEntry, DrillPatch, DrillQuery, DrillRecord, NewAuditEntry, ScorecardRow, Store } from './types.js';
import { UNFINISHED_STATES } from './types.js';
import type { Lease, LeaseAcquisition } from './types.js';
import { pgAcquireLease, pgListLeases, pgReleaseLease, pgRenewLease } from './leases.js';

const SUMMARY_COLUMNS =
  'id, runbook, runbook_title, runbook_file, runbook_sha256, runbook_source, service, state, dry_run, quick, requested_by, created_at, started_at, ended_at, ' +
  'current_phase, status_reason, score, time_to_recover_s, time_to_detect_s, error_budget_consumed, ndcg_ratio, out_dir, plan, notes';

/** The URL without its password, for logs and `/me`-style output. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

interface AuditRow {
  id: string | number;
  at: Date | string;
  subject: string;
  role: AuditEntry['role'];
  action: string;
  target: string;
  outcome: AuditEntry['outcome'];
  detail: string | null;
  remote: string | null;
}

const auditOf = (r: AuditRow): AuditEntry => ({ ...r, id: Number(r.id), at: iso(r.at)! });

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly location: string;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly pendingJournals = new Map<string, DrillJournal>();
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
  ) {
    this.location = redactUrl(url);
  }

  static async open(url: string): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: 6, connectionTimeoutMillis: 10_000 });
    // An idle client that loses its connection must not crash the controller.
    pool.on('error', () => {});
    const store = new PostgresStore(pool, url);
    try {
      await pool.query(POSTGRES_SCHEMA);
    } catch (e) {
      await pool.end().catch(() => {});
      throw new Error(`could not prepare the PostgreSQL database at ${store.location}: ${(e as Error).message}`, { cause: e });
    }
    return store;
  }

  /** Runs `fn` after every write issued before it; the chain survives a failed write. */
  private write<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.writes.then(fn);
    this.writes = p.catch(() => {});
    return p;
  }

  private async read<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    await this.writes;
    return (await this.pool.query(sql, params)).rows as T[];
  }

  insertDrill(r: DrillRecord): Promise<void> {
    return this.write(async () => {
      await this.pool.query(
        `INSERT INTO drills (${SUMMARY_COLUMNS}) VALUES (${Array.from({ length: 24 }, (_, i) => `$${i + 1}`).join(', ')})`,
        [
          r.id, r.runbook, r.runbookTitle, r.runbookFile, r.runbookSha256, r.runbookSource, r.service, r.state, r.dryRun, r.quick, r.requestedBy, r.createdAt,
          r.startedAt, r.endedAt, r.currentPhase, r.statusReason, r.score, r.timeToRecoverS, r.timeToDetectS, r.errorBudgetConsumed, r.ndcgRatio, r.outDir,
          JSON.stringify(r.plan), JSON.stringify(r.notes),
        ],
      );
    });
  }

  updateDrill(id: string, patch: DrillPatch): Promise<void> {
    const keys = Object.keys(patch) as Array<keyof DrillPatch>;
    if (!keys.length) return Promise.resolve();
    const values = keys.map((k) => (k === 'notes' ? JSON.stringify(patch.notes) : patch[k]));
    return this.write(async () => {
      await this.pool.query(`UPDATE drills SET ${keys.map((k, i) => `${COLUMN_OF[k]} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...values]);
    });
  }

  saveJournal(id: string, journal: DrillJournal): Promise<void> {
    const queued = this.pendingJournals.has(id);
    this.pendingJournals.set(id, journal);
    if (queued) return this.writes.then(() => {});
    return this.write(async () => {
      const j = this.pendingJournals.get(id);
      this.pendingJournals.delete(id);
      if (j) await this.pool.query('UPDATE drills SET journal = $2 WHERE id = $1', [id, JSON.stringify(j)]);
    });
  }

  saveScorecard(id: string, scorecard: Scorecard): Promise<void> {
    return this.write(async () => {
      await this.pool.query('UPDATE drills SET scorecard = $2 WHERE id = $1', [id, JSON.stringify(scorecard)]);
    });
  }

  async getDrill(id: string): Promise<DrillRecord | null> {
    const rows = await this.read<DrillRow>(`SELECT ${SUMMARY_COLUMNS} FROM drills WHERE id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async getJournal(id: string): Promise<DrillJournal | null> {
    const rows = await this.read<{ journal: DrillJournal | null }>('SELECT journal FROM drills WHERE id = $1', [id]);
    return rows[0]?.journal ?? null;
  }

  async getScorecard(id: string): Promise<Scorecard | null> {
    const rows = await this.read<{ scorecard: Scorecard | null }>('SELECT scorecard FROM drills WHERE id = $1', [id]);
    return rows[0]?.scorecard ?? null;
  }

  async listDrills(q: DrillQuery = {}): Promise<DrillRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.service) (params.push(q.service), where.push(`service = $${params.length}`));
    if (q.state) (params.push(q.state), where.push(`state = $${params.length}`));
    if (q.dryRuns === false) where.push('dry_run = false');
    params.push(q.limit ?? 100);
    const rows = await this.read<DrillRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM drills ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, seq DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(fromRow);
  }

  async unfinishedDrills(): Promise<DrillRecord[]> {
    const rows = await this.read<DrillRow>(`SELECT ${SUMMARY_COLUMNS} FROM drills WHERE state = ANY($1) ORDER BY created_at, seq`, [[...UNFINISHED_STATES]]);
    return rows.map(fromRow);
  }

  async scorecards(service: string, limit: number): Promise<ScorecardRow[]> {
    const rows = await this.read<DrillRow & { scorecard: Scorecard }>(
      `SELECT ${SUMMARY_COLUMNS}, scorecard FROM drills WHERE service = $1 AND scorecard IS NOT NULL ORDER BY created_at DESC, seq DESC LIMIT $2`,
      [service, limit],
    );
    return rows.map((r) => ({ drill: fromRow(r), scorecard: r.scorecard }));
  }

  appendEvent(e: DrillEvent): Promise<void> {
    return this.write(async () => {
      await this.pool.query('INSERT INTO drill_events (drill_id, seq, at, type, body) VALUES ($1, $2, $3, $4, $5)', [e.drillId, e.seq, e.at, e.type, JSON.stringify(e)]);
    });
  }

  async events(drillId: string, afterSeq = 0): Promise<DrillEvent[]> {
    const rows = await this.read<{ body: DrillEvent }>('SELECT body FROM drill_events WHERE drill_id = $1 AND seq > $2 ORDER BY seq', [drillId, afterSeq]);
    return rows.map((r) => r.body);
  }

  async lastSeq(drillId: string): Promise<number> {
    const rows = await this.read<{ s: number | null }>('SELECT MAX(seq) AS s FROM drill_events WHERE drill_id = $1', [drillId]);
    return rows[0]?.s ?? 0;
  }

  appendAudit(e: NewAuditEntry): Promise<AuditEntry> {
    const at = e.at ?? new Date().toISOString();
    return this.write(async () => {
      const r = await this.pool.query('INSERT INTO audit (at, subject, role, action, target, outcome, detail, remote) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *', [
        at, e.subject, e.role, e.action, e.target, e.outcome, e.detail, e.remote,
      ]);
      return auditOf(r.rows[0] as AuditRow);
    });
  }

  async listAudit(q: { limit?: number; action?: string } = {}): Promise<AuditEntry[]> {
    const rows = q.action
      ? await this.read<AuditRow>('SELECT * FROM audit WHERE action = $1 ORDER BY id DESC LIMIT $2', [q.action, q.limit ?? 100])
      : await this.read<AuditRow>('SELECT * FROM audit ORDER BY id DESC LIMIT $1', [q.limit ?? 100]);
    return rows.map(auditOf);
  }

  async getEmergencyStop(): Promise<EmergencyStopState> {
    const rows = await this.read<{ active: boolean; reason: string | null; since: Date | null; by: string | null }>('SELECT active, reason, since, by FROM emergency_stop WHERE id = 1');
    const r = rows[0];
    return r ? { active: r.active, reason: r.reason, since: iso(r.since), by: r.by } : { active: false, reason: null, since: null, by: null };
  }

  setEmergencyStop(s: EmergencyStopState): Promise<void> {
    return this.write(async () => {
      await this.pool.query(
        'INSERT INTO emergency_stop (id, active, reason, since, by) VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET active = EXCLUDED.active, reason = EXCLUDED.reason, since = EXCLUDED.since, by = EXCLUDED.by',
        [s.active, s.reason, s.since, s.by],
      );
    });
  }

  // Leases bypass the write chain: a heartbeat must not wait behind a slow journal write.
  acquireLease(name: string, holder: string, ttlMs: number, data: string | null = null): Promise<LeaseAcquisition> {
    return pgAcquireLease(this.pool, name, holder, ttlMs, data);
  }

  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return pgRenewLease(this.pool, name, holder, ttlMs);
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return pgReleaseLease(this.pool, name, holder);
  }

  listLeases(prefix: string): Promise<Lease[]> {
    return pgListLeases(this.pool, prefix);
  }

  async putShared(key: string, value: unknown): Promise<void> {
    await this.pool.query('INSERT INTO shared_state (key, value, at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, at = EXCLUDED.at', [key, JSON.stringify(value)]);
  }

  async getShared<T>(key: string): Promise<{ value: T; at: string } | null> {
    const r = (await this.pool.query<{ value: T; at: Date }>('SELECT value, at FROM shared_state WHERE key = $1', [key])).rows[0];
    return r ? { value: r.value, at: iso(r.at)! } : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes;
    await this.pool.end();
  }
}
