/**
 * Leases (see Store.acquireLease) for both databases. Expiry is measured on the database's clock,
 * so controllers with skewed clocks agree on when a lease has expired. PostgreSQL takes the row
 * lock (`SELECT ... FOR UPDATE`, or the primary key on insert) so two controllers never both
 * acquire; SQLite runs the same steps in one immediate transaction.
 */
import type pg from 'pg';
import type Database from 'better-sqlite3';
import type { Lease, LeaseAcquisition } from './types.js';
import { iso } from './rows.js';

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs < 1) throw new Error(`lease ttlMs: expected a positive number of milliseconds, got ${ttlMs}`);
}

interface PgLeaseRow {
  name: string;
  holder: string;
  data: string | null;
  acquired_at: Date | string;
  expires_at: Date | string;
  expired: boolean;
}

const pgLease = (r: PgLeaseRow): Lease => ({ name: r.name, holder: r.holder, data: r.data, acquiredAt: iso(r.acquired_at)!, expiresAt: iso(r.expires_at)!, expired: r.expired });
const PG_COLS = 'name, holder, data, acquired_at, expires_at, expires_at <= now() AS expired';

export async function pgAcquireLease(pool: pg.Pool, name: string, holder: string, ttlMs: number, data: string | null): Promise<LeaseAcquisition> {
  checkTtl(ttlMs);
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    try {
      const cur = (await c.query<PgLeaseRow>(`SELECT ${PG_COLS} FROM leases WHERE name = $1 FOR UPDATE`, [name])).rows[0];
      let out: LeaseAcquisition;
      if (!cur) {
        const ins = await c.query<PgLeaseRow>(
          `INSERT INTO leases (name, holder, data, acquired_at, expires_at) VALUES ($1, $2, $3, now(), now() + $4 * interval '1 millisecond') ON CONFLICT (name) DO NOTHING RETURNING ${PG_COLS}`,
          [name, holder, data, ttlMs],
        );
        if (ins.rows[0]) out = { acquired: true, lease: pgLease(ins.rows[0]), replaced: null };
        else {
          // Another controller inserted it between our SELECT and INSERT.
          const now = (await c.query<PgLeaseRow>(`SELECT ${PG_COLS} FROM leases WHERE name = $1`, [name])).rows[0]!;
          out = { acquired: now.holder === holder, lease: pgLease(now), replaced: null };
        }
      } else if (cur.holder === holder || cur.expired) {
        const up = await c.query<PgLeaseRow>(
          `UPDATE leases SET holder = $2, data = $3, acquired_at = CASE WHEN holder = $2 AND expires_at > now() THEN acquired_at ELSE now() END, expires_at = now() + $4 * interval '1 millisecond' WHERE name = $1 RETURNING ${PG_COLS}`,
          [name, holder, data, ttlMs],
        );
        out = { acquired: true, lease: pgLease(up.rows[0]!), replaced: cur.holder !== holder ? pgLease(cur) : null };
      } else out = { acquired: false, lease: pgLease(cur), replaced: null };
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
  } finally {
    c.release();
  }
}

export async function pgRenewLease(pool: pg.Pool, name: string, holder: string, ttlMs: number): Promise<boolean> {
  checkTtl(ttlMs);
  const r = await pool.query(`UPDATE leases SET expires_at = now() + $3 * interval '1 millisecond' WHERE name = $1 AND holder = $2 AND expires_at > now()`, [name, holder, ttlMs]);
  return r.rowCount === 1;
}

export async function pgReleaseLease(pool: pg.Pool, name: string, holder: string): Promise<void> {
  await pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
}

export async function pgListLeases(pool: pg.Pool, prefix: string): Promise<Lease[]> {
  const r = await pool.query<PgLeaseRow>(`SELECT ${PG_COLS} FROM leases WHERE starts_with(name, $1) ORDER BY name`, [prefix]);
  return r.rows.map(pgLease);
}

interface SqliteLeaseRow {
  name: string;
  holder: string;
  data: string | null;
  acquired_at: number;
  expires_at: number;
}

const sqliteLease = (r: SqliteLeaseRow, now: number): Lease => ({
  name: r.name,
  holder: r.holder,
  data: r.data,
  acquiredAt: new Date(r.acquired_at).toISOString(),
  expiresAt: new Date(r.expires_at).toISOString(),
  expired: r.expires_at <= now,
});

export function sqliteAcquireLease(db: Database.Database, name: string, holder: string, ttlMs: number, data: string | null): LeaseAcquisition {
  checkTtl(ttlMs);
  return db
    .transaction((): LeaseAcquisition => {
      const now = Date.now();
      const cur = db.prepare('SELECT * FROM leases WHERE name = ?').get(name) as SqliteLeaseRow | undefined;
      if (cur && cur.holder !== holder && cur.expires_at > now) return { acquired: false, lease: sqliteLease(cur, now), replaced: null };
      const acquiredAt = cur && cur.holder === holder && cur.expires_at > now ? cur.acquired_at : now;
      const row: SqliteLeaseRow = { name, holder, data, acquired_at: acquiredAt, expires_at: now + ttlMs };
      db.prepare('INSERT INTO leases (name, holder, data, acquired_at, expires_at) VALUES (@name, @holder, @data, @acquired_at, @expires_at) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, data = excluded.data, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at').run(row);
      return { acquired: true, lease: sqliteLease(row, now), replaced: cur && cur.holder !== holder ? sqliteLease(cur, now) : null };
    })
    .immediate();
}

export function sqliteRenewLease(db: Database.Database, name: string, holder: string, ttlMs: number): boolean {
  checkTtl(ttlMs);
  const now = Date.now();
  return db.prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?').run(now + ttlMs, name, holder, now).changes === 1;
}

export function sqliteReleaseLease(db: Database.Database, name: string, holder: string): void {
  db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
}

export function sqliteListLeases(db: Database.Database, prefix: string): Lease[] {
  const now = Date.now();
  const rows = db.prepare('SELECT * FROM leases WHERE substr(name, 1, ?) = ? ORDER BY name').all(prefix.length, prefix) as SqliteLeaseRow[];
  return rows.map((r) => sqliteLease(r, now));
}
