/** Controllers in HA: leases, takeover, self-fencing and `lead(name, ttlMs)` for run-once work. */
export { Ha, DRILL_LEASE_PREFIX, LEAD_LEASE_PREFIX, TAKEOVER_LEASE_PREFIX, type HaHooks, type Takeover } from './Ha.js';
export { haOptionsFromEnv, DEFAULT_LEASE_TTL_MS, InvalidHaSetting, type HaOptions } from './options.js';
export { followStoredEvents } from './followStored.js';
export { sharedRefresh, CATALOGUE_LEAD } from './sharedRefresh.js';
