/**
 * HA settings from the environment: `DRILLBOOK_CONTROLLER_ID` (this controller's name in leases,
 * the audit log and takeover records; default `<hostname>-<pid>-<random>`, so give each
 * controller a stable id if a restarted one should reclaim its own drills at once) and
 * `DRILLBOOK_LEASE_TTL_MS` (how long a lease lives without a heartbeat; default 10000).
 * The default id is `<hostname>-<hash of the dataDir>`: stable across restarts (a restarted
 * controller reclaims its own drills at once) and distinct for controllers with their own dataDir;
 * controllers on one host sharing a dataDir must each set DRILLBOOK_CONTROLLER_ID.
 */
import { hostname } from 'node:os';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

export interface HaOptions {
  controllerId: string;
  leaseTtlMs: number;
}

export const DEFAULT_LEASE_TTL_MS = 10_000;

export class InvalidHaSetting extends Error {}

export function haOptionsFromEnv(env: NodeJS.ProcessEnv, dataDir: string): HaOptions {
  const id = env.DRILLBOOK_CONTROLLER_ID?.trim();
  if (id !== undefined && id !== '' && !/^[A-Za-z0-9._:@-]{1,100}$/.test(id))
    throw new InvalidHaSetting(`DRILLBOOK_CONTROLLER_ID: expected 1-100 letters, digits or . _ : @ -, got ${JSON.stringify(env.DRILLBOOK_CONTROLLER_ID)}`);
  const rawTtl = env.DRILLBOOK_LEASE_TTL_MS?.trim();
  let leaseTtlMs = DEFAULT_LEASE_TTL_MS;
  if (rawTtl) {
    leaseTtlMs = Number(rawTtl);
    if (!/^[0-9]+$/.test(rawTtl) || leaseTtlMs < 1000 || leaseTtlMs > 600_000)
      throw new InvalidHaSetting(`DRILLBOOK_LEASE_TTL_MS: expected an integer number of milliseconds from 1000 to 600000, got ${JSON.stringify(env.DRILLBOOK_LEASE_TTL_MS)}`);
  }
  return { controllerId: id || `${hostname()}-${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 8)}`, leaseTtlMs };
}
