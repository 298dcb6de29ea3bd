/**
 * Event registry: observers (CLI progress, controller SSE and storage, metrics, logs) subscribe to
 * drill events. An observer that throws is reported once and ignored: observing never breaks a drill.
 */
import type { DrillEvent, DrillEventType, DrillPhase } from '@drillbook/contracts';

export type DrillObserver = (event: DrillEvent) => void;

export class EventBus {
  private observers: DrillObserver[] = [];
  private seq = 0;
  private readonly failed = new WeakSet<DrillObserver>();

  constructor(
    private readonly drillId: string,
    private readonly onObserverError: (e: unknown) => void = () => {},
  ) {}

  on(o: DrillObserver): () => void {
    this.observers.push(o);
    return () => {
      this.observers = this.observers.filter((x) => x !== o);
    };
  }

  emit(type: DrillEventType, message: string, extra: { phase?: DrillPhase; data?: DrillEvent['data'] } = {}): DrillEvent {
    const event: DrillEvent = { seq: ++this.seq, drillId: this.drillId, at: new Date().toISOString(), type, message, ...extra };
    for (const o of this.observers) {
      try {
        o(event);
      } catch (e) {
        if (!this.failed.has(o)) {
          this.failed.add(o);
          this.onObserverError(e);
        }
      }
    }
    return event;
  }
}
