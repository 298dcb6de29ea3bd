/**
 * The live event log of one drill: the controller numbers every event (its own and the engine's)
 * 1, 2, 3... so followers can resume with Last-Event-ID, keeps them in memory for replay while the
 * drill is active, persists each one, and fans them out to followers. A follower that throws is
 * dropped, never the drill.
 */
import type { DrillEvent } from '@drillbook/contracts';

export type EventListener = (e: DrillEvent) => void;

export class EventLog {
  readonly events: DrillEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private seq: number;
  ended = false;

  constructor(
    readonly drillId: string,
    startAfter: number,
    private readonly persist: (e: DrillEvent) => void,
  ) {
    this.seq = startAfter;
  }

  emit(e: Omit<DrillEvent, 'seq' | 'drillId' | 'at'> & { at?: string }): DrillEvent {
    const event: DrillEvent = { ...e, seq: ++this.seq, drillId: this.drillId, at: e.at ?? new Date().toISOString() };
    this.events.push(event);
    if (event.type === 'end') this.ended = true;
    this.persist(event);
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        this.listeners.delete(l);
      }
    }
    return event;
  }

  /** Events after `seq` so far, then every new one until unsubscribed. */
  follow(afterSeq: number, listener: EventListener): { replay: DrillEvent[]; unsubscribe: () => void } {
    const replay = this.events.filter((e) => e.seq > afterSeq);
    this.listeners.add(listener);
    return { replay, unsubscribe: () => this.listeners.delete(listener) };
  }

  get followers(): number {
    return this.listeners.size;
  }
}
