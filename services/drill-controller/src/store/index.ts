/** Opens the configured store: PostgreSQL when a URL is given, SQLite (WAL) otherwise. */
import { SqliteStore } from './sqlite.js';
import { PostgresStore } from './postgres.js';
import type { Store } from './types.js';

export { SqliteStore } from './sqlite.js';
export { PostgresStore, redactUrl } from './postgres.js';
export type { Store, DrillRecord, DrillPatch, DrillQuery, AuditEntry, NewAuditEntry, AuditOutcome, ScorecardRow } from './types.js';

export async function openStore(opts: { url?: string; sqliteFile: string }): Promise<Store> {
  if (opts.url) return PostgresStore.open(opts.url);
  return new SqliteStore(opts.sqliteFile);
}
