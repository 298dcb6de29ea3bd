/**
 * What the controller keeps: drills (with their runbook source, plan, journal and scorecard),
 * their events, the audit log and the emergency stop. Two implementations with one behaviour:
 * SQLite (WAL, the default) and PostgreSQL (when a connection URL is configured).
 */
import type { AuditEntry, DrillEvent, DrillJournal, DrillPhase, DrillPlan, DrillState, EmergencyStopState, Scorecard } from '@drillbook/contracts';

export type { AuditEntry };

export interface DrillRecord {
  id: string;
  runbook: string;
  runbookTitle: string;
  runbookFile: string | null;
  runbookSha256: string;
  /** The runbook text the drill was accepted with: crash recovery re-reads it from here. */
  runbookSource: string;
  service: string;
  state: DrillState;
  dryRun: boolean;
  quick: boolean;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  currentPhase: DrillPhase | null;
  statusReason: string | null;
  score: number | null;
  timeToRecoverS: number | null;
  timeToDetectS: number | null;
  errorBudgetConsumed: number | null;
  ndcgRatio: number | null;
  /** Where the engine writes the journal, load output, scorecard and report files. */
  outDir: string;
  plan: DrillPlan;
  /** Things the operator should know that the engine's journal has no field for. */
  notes: string[];
}

/** Columns a drill's progress changes (never its identity). */
export type DrillPatch = Partial<Pick<DrillRecord, 'state' | 'startedAt' | 'endedAt' | 'currentPhase' | 'statusReason' | 'score' | 'timeToRecoverS' | 'timeToDetectS' | 'errorBudgetConsumed' | 'ndcgRatio' | 'notes'>>;

export interface DrillQuery {
  service?: string;
  state?: DrillState;
  limit?: number;
  /** Include dry runs (default true). */
  dryRuns?: boolean;
}

export type AuditOutcome = AuditEntry['outcome'];

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { at?: string };

export interface ScorecardRow {
  drill: DrillRecord;
  scorecard: Scorecard;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the data lives (a file path, or the URL without its password). */
  readonly location: string;

  /** Persist a new drill. Resolves once it is durable: the API answers 202 only after this. */
  insertDrill(rec: DrillRecord): Promise<void>;
  updateDrill(id: string, patch: DrillPatch): Promise<void>;
  /** The engine calls this on every journal change; writes may be coalesced, never reordered. */
  saveJournal(id: string, journal: DrillJournal): Promise<void>;
  saveScorecard(id: string, scorecard: Scorecard): Promise<void>;
  getDrill(id: string): Promise<DrillRecord | null>;
  getJournal(id: string): Promise<DrillJournal | null>;
  getScorecard(id: string): Promise<Scorecard | null>;
  /** Newest first. */
  listDrills(q?: DrillQuery): Promise<DrillRecord[]>;
  /** Drills accepted or running when the controller last stopped (crash recovery). */
  unfinishedDrills(): Promise<DrillRecord[]>;
  /** Scorecards of a service, newest drill first. */
  scorecards(service: string, limit: number): Promise<ScorecardRow[]>;

  appendEvent(e: DrillEvent): Promise<void>;
  /** Events of a drill with seq > afterSeq, in order. */
  events(drillId: string, afterSeq?: number): Promise<DrillEvent[]>;
  lastSeq(drillId: string): Promise<number>;

  appendAudit(e: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first. */
  listAudit(q?: { limit?: number; action?: string }): Promise<AuditEntry[]>;

  getEmergencyStop(): Promise<EmergencyStopState>;
  setEmergencyStop(s: EmergencyStopState): Promise<void>;

  /** Waits for pending writes, then closes. */
  close(): Promise<void>;

  /**
   * Leases (server/ha): a named lease held by one controller until its expiry, measured on the
   * database's clock. Taken when free, expired or already the holder's, atomically across
   * controllers; `replaced` is another holder's expired lease it took over.
   */
  acquireLease(name: string, holder: string, ttlMs: number, data?: string | null): Promise<LeaseAcquisition>;
  /** Extends a lease the holder still holds and that has not expired; false otherwise (the holder must stop acting on it). */
  renewLease(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Drops the holder's lease (no-op when another holds it). */
  releaseLease(name: string, holder: string): Promise<void>;
  /** Leases whose name starts with `prefix`, with `expired` on the database's clock. */
  listLeases(prefix: string): Promise<Lease[]>;

  /** State one controller computes for all (server/ha: the catalogue leader's live figures), as JSON under a key. */
  putShared(key: string, value: unknown): Promise<void>;
  /** The value last put under `key`, with when; null when none. */
  getShared<T>(key: string): Promise<{ value: T; at: string } | null>;
}

export interface Lease {
  name: string;
  holder: string;
  /** What the lease is for (a drill lease: the drill id). */
  data: string | null;
  acquiredAt: string;
  expiresAt: string;
  expired: boolean;
}

export interface LeaseAcquisition {
  acquired: boolean;
  /** The lease as it stands after the call (another holder's when not acquired). */
  lease: Lease;
  /** Another holder's expired lease this acquisition replaced. */
  replaced: Lease | null;
}

export const UNFINISHED_STATES = ['queued', 'running'] as const;
