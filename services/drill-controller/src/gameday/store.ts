/**
 * Durable game-day state (schedules, scheduled runs, blackouts, approvals, deliveries, regressions,
 * resilience history) as JSON documents keyed by (kind, id), in the controller's own database:
 * the SQLite file (a second connection; WAL allows it) or PostgreSQL (its own small pool). Its own
 * table, `gameday_docs`, so the drill store's schema is untouched.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export type DocKind = 'schedule' | 'run' | 'blackout' | 'approval' | 'delivery' | 'regression' | 'resilience';

export interface GameDayStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Every document of a kind, oldest first (by the time it was first written). */
  list<T>(kind: DocKind): Promise<T[]>;
  get<T>(kind: DocKind, id: string): Promise<T | null>;
  /** Insert or replace; durable when the promise resolves. */
  put(kind: DocKind, id: string, doc: unknown): Promise<void>;
  remove(kind: DocKind, id: string): Promise<boolean>;
  close(): Promise<void>;
}

const SQLITE = `CREATE TABLE IF NOT EXISTS gameday_docs (
  kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id));`;
const POSTGRES = `CREATE TABLE IF NOT EXISTS gameday_docs (
  kind TEXT NOT NULL, id TEXT NOT NULL, seq BIGSERIAL, doc JSONB NOT NULL, PRIMARY KEY (kind, id));`;

export class SqliteGameDayStore implements GameDayStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private seq: number;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SQLITE);
    this.seq = Number((this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM gameday_docs').get() as { s: number }).s);
  }

  async list<T>(kind: DocKind): Promise<T[]> {
    return (this.db.prepare('SELECT doc FROM gameday_docs WHERE kind = ? ORDER BY seq').all(kind) as Array<{ doc: string }>).map((r) => JSON.parse(r.doc) as T);
  }

  async get<T>(kind: DocKind, id: string): Promise<T | null> {
    const r = this.db.prepare('SELECT doc FROM gameday_docs WHERE kind = ? AND id = ?').get(kind, id) as { doc: string } | undefined;
    return r ? (JSON.parse(r.doc) as T) : null;
  }

  async put(kind: DocKind, id: string, doc: unknown): Promise<void> {
    this.db
      .prepare('INSERT INTO gameday_docs (kind, id, seq, doc) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc')
      .run(kind, id, ++this.seq, JSON.stringify(doc));
  }

  async remove(kind: DocKind, id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM gameday_docs WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export class PostgresGameDayStore implements GameDayStore {
  readonly kind = 'postgres' as const;
  private constructor(private readonly pool: pg.Pool) {}

  static async open(url: string): Promise<PostgresGameDayStore> {
    const pool = new pg.Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 10_000 });
    pool.on('error', () => {});
    try {
      await pool.query(POSTGRES);
    } catch (e) {
      await pool.end().catch(() => {});
      throw new Error(`could not prepare the game-day table in PostgreSQL: ${(e as Error).message}`, { cause: e });
    }
    return new PostgresGameDayStore(pool);
  }

  async list<T>(kind: DocKind): Promise<T[]> {
    return (await this.pool.query('SELECT doc FROM gameday_docs WHERE kind = $1 ORDER BY seq', [kind])).rows.map((r: { doc: T }) => r.doc);
  }

  async get<T>(kind: DocKind, id: string): Promise<T | null> {
    const r = await this.pool.query('SELECT doc FROM gameday_docs WHERE kind = $1 AND id = $2', [kind, id]);
    return r.rows.length ? (r.rows[0].doc as T) : null;
  }

  async put(kind: DocKind, id: string, doc: unknown): Promise<void> {
    await this.pool.query('INSERT INTO gameday_docs (kind, id, doc) VALUES ($1, $2, $3) ON CONFLICT (kind, id) DO UPDATE SET doc = EXCLUDED.doc', [kind, id, JSON.stringify(doc)]);
  }

  async remove(kind: DocKind, id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM gameday_docs WHERE kind = $1 AND id = $2', [kind, id])).rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

export async function openGameDayStore(opts: { url?: string; sqliteFile: string }): Promise<GameDayStore> {
  return opts.url ? PostgresGameDayStore.open(opts.url) : new SqliteGameDayStore(opts.sqliteFile);
}
