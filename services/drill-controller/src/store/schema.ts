/**
 * Table definitions, one per database, same columns and meaning. Times are ISO-8601 text in SQLite
 * and timestamptz in PostgreSQL; documents (plan, journal, scorecard, event) are JSON text in
 * SQLite and jsonb in PostgreSQL, so a team can query them there.
 */

export const SCHEMA_VERSION = 1;

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS drills (
  id TEXT PRIMARY KEY,
  runbook TEXT NOT NULL,
  runbook_title TEXT NOT NULL,
  runbook_file TEXT,
  runbook_sha256 TEXT NOT NULL,
  runbook_source TEXT NOT NULL,
  service TEXT NOT NULL,
  state TEXT NOT NULL,
  dry_run INTEGER NOT NULL,
  quick INTEGER NOT NULL,
  requested_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT,
  current_phase TEXT,
  status_reason TEXT,
  score REAL,
  time_to_recover_s REAL,
  time_to_detect_s REAL,
  error_budget_consumed REAL,
  ndcg_ratio REAL,
  out_dir TEXT NOT NULL,
  plan TEXT NOT NULL,
  notes TEXT NOT NULL,
  journal TEXT,
  scorecard TEXT
);
CREATE INDEX IF NOT EXISTS drills_service_created ON drills (service, created_at);
CREATE INDEX IF NOT EXISTS drills_state ON drills (state);
CREATE TABLE IF NOT EXISTS drill_events (
  drill_id TEXT NOT NULL REFERENCES drills (id),
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (drill_id, seq)
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  subject TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT,
  remote TEXT
);
CREATE TABLE IF NOT EXISTS emergency_stop (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  active INTEGER NOT NULL,
  reason TEXT,
  since TEXT,
  by TEXT
);
CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  data TEXT,
  acquired_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS shared_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  at TEXT NOT NULL
);
`;

export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS drills (
  seq BIGSERIAL UNIQUE,
  id TEXT PRIMARY KEY,
  runbook TEXT NOT NULL,
  runbook_title TEXT NOT NULL,
  runbook_file TEXT,
  runbook_sha256 TEXT NOT NULL,
  runbook_source TEXT NOT NULL,
  service TEXT NOT NULL,
  state TEXT NOT NULL,
  dry_run BOOLEAN NOT NULL,
  quick BOOLEAN NOT NULL,
  requested_by TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  started_at TIMESTAMPTZ,
  ended_at TIMESTAMPTZ,
  current_phase TEXT,
  status_reason TEXT,
  score DOUBLE PRECISION,
  time_to_recover_s DOUBLE PRECISION,
  time_to_detect_s DOUBLE PRECISION,
  error_budget_consumed DOUBLE PRECISION,
  ndcg_ratio DOUBLE PRECISION,
  out_dir TEXT NOT NULL,
  plan JSONB NOT NULL,
  notes JSONB NOT NULL,
  journal JSONB,
  scorecard JSONB
);
CREATE INDEX IF NOT EXISTS drills_service_created ON drills (service, created_at);
CREATE INDEX IF NOT EXISTS drills_state ON drills (state);
CREATE TABLE IF NOT EXISTS drill_events (
  drill_id TEXT NOT NULL REFERENCES drills (id),
  seq INTEGER NOT NULL,
  at TIMESTAMPTZ NOT NULL,
  type TEXT NOT NULL,
  body JSONB NOT NULL,
  PRIMARY KEY (drill_id, seq)
);
CREATE TABLE IF NOT EXISTS audit (
  id BIGSERIAL PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL,
  subject TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT,
  remote TEXT
);
CREATE TABLE IF NOT EXISTS emergency_stop (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  active BOOLEAN NOT NULL,
  reason TEXT,
  since TIMESTAMPTZ,
  by TEXT
);
CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  data TEXT,
  acquired_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS shared_state (
  key TEXT PRIMARY KEY,
  value JSONB NOT NULL,
  at TIMESTAMPTZ NOT NULL
);
`;
