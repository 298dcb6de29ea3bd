/** What the HTTP routes see of the running controller. */
import type { Catalogue } from '../catalogue/Catalogue.js';
import type { Store } from '../store/types.js';
import type { AccessControl } from './auth/access.js';
import type { TokenRegistry } from './auth/tokens.js';
import type { ControllerConfig } from './config/types.js';
import type { DrillManager } from './drills/DrillManager.js';
import type { RunbookCatalog } from './drills/runbooks.js';
import type { DrillMetrics } from './metrics.js';
import type { Ha } from './ha/Ha.js';
import type { GameDays } from '../gameday/GameDays.js';

export interface App {
  config: ControllerConfig;
  tokens: TokenRegistry;
  /** Authorisation and the audit log. */
  access: AccessControl;
  store: Store;
  catalogue: Catalogue;
  drills: DrillManager;
  runbooks: RunbookCatalog;
  metrics: DrillMetrics;
  log(line: string): void;
  /** Leases across controllers; `ha.lead(name, ttlMs)` for work that must run once (server/ha). */
  ha?: Ha;
  /** Schedules, blackouts, approvals, notifications, regressions, resilience (absent in bare test apps). */
  gameDays?: GameDays;
}
