/**
 * Follows a drill that runs on another controller: polls its persisted events from the store
 * (every controller writes each event as it emits it) and hands new ones on in order, until the
 * `end` event or unsubscribe. A gap in the numbering is waited on for five polls, then skipped. A failed poll (database restarting) is retried on the next one.
 */
import type { DrillEvent } from '@drillbook/contracts';
import type { Store } from '../../store/types.js';

export const FOLLOW_POLL_MS = 500;

export function followStoredEvents(store: Store, drillId: string, afterSeq: number, listener: (e: DrillEvent) => void, everyMs = FOLLOW_POLL_MS): { unsubscribe: () => void } {
  let last = afterSeq;
  let open = true;
  let timer: NodeJS.Timeout | null = null;
  let gapPolls = 0;
  const poll = async () => {
    if (!open) return;
    try {
      for (const e of await store.events(drillId, last)) {
        if (!open) break;
        // A gap: an event not written yet; wait for it a few polls (an event whose write failed never comes).
        if (e.seq !== last + 1 && ++gapPolls <= 5) break;
        gapPolls = 0;
        last = e.seq;
        listener(e);
        if (e.type === 'end') open = false;
      }
    } catch {
      /* retried on the next poll */
    }
    if (open) timer = setTimeout(() => void poll(), everyMs);
  };
  timer = setTimeout(() => void poll(), 0);
  return {
    unsubscribe: () => {
      open = false;
      if (timer) clearTimeout(timer);
    },
  };
}
