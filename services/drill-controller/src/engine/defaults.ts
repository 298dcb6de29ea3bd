/** Defined once for the engine, the CLI and the controller. */
import { randomUUID } from 'node:crypto';
import type { SloReference } from '../scorecard/compute.js';

/** The SLO a drill's error budget is charged to when the caller names none. */
export const DEFAULT_SLO: SloReference = { name: 'availability', objective: 0.999, periodDays: 30 };

/** `<UTC yyyymmddThhmmss>-<runbook>-<6 hex>`: sorts by start time, names the runbook, unique. */
export function newDrillId(runbook: string, at = new Date()): string {
  return `${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${runbook}-${randomUUID().slice(0, 6)}`;
}
