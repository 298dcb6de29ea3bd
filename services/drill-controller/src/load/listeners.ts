/** A tiny listener list; a listener that throws never breaks the load. */
import type { Unsubscribe } from './types.js';

export class Listeners<A extends unknown[]> {
  private readonly fns = new Set<(...args: A) => void>();

  add(fn: (...args: A) => void): Unsubscribe {
    this.fns.add(fn);
    return () => {
      this.fns.delete(fn);
    };
  }

  emit(...args: A): void {
    for (const fn of this.fns) {
      try {
        fn(...args);
      } catch {
        // Observers must not stop the load (same rule as the drill's event registry).
      }
    }
  }
}
