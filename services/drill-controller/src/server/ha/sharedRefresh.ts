/** The catalogue refresh, once across controllers: `ha.lead('catalogue-refresh')` and the leader's figures in the store. */
import type { SharedRefresh } from '../../catalogue/Catalogue.js';
import type { LiveService } from '../../catalogue/types.js';
import type { Store } from '../../store/types.js';
import type { Ha } from './Ha.js';

export const CATALOGUE_LEAD = 'catalogue-refresh';

export function sharedRefresh(store: Store, ha: Ha, leadTtlMs: number): SharedRefresh {
  return {
    lead: () => ha.lead(CATALOGUE_LEAD, leadTtlMs),
    publish: (service, live) => store.putShared(`catalogue:${service}`, live),
    read: async (service) => (await store.getShared<LiveService>(`catalogue:${service}`))?.value ?? null,
  };
}
