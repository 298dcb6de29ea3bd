/**
 * What the controller has observed of an SLO's counters since it started: cumulative good (or bad)
 * and total events, one point per scrape, built from counter increases (a counter that goes down
 * was reset by a restart: its new value is the increase). Windows the controller has not yet
 * observed in full have no figure.
 */

export interface CounterPoint {
  /** ms since epoch */
  t: number;
  /** Cumulative events of the SLI's numerator (good or bad events) since observation began. */
  events: number;
  /** Cumulative total events since observation began. */
  total: number;
}

/** Increases of raw counter values per key (target + series), Prometheus `increase()`-style. */
export class CounterTracker {
  private readonly last = new Map<string, number>();

  /** The increase since the previous reading of `key`; 0 for the first reading (it is the baseline). */
  increase(key: string, raw: number): number {
    const prev = this.last.get(key);
    this.last.set(key, raw);
    if (prev === undefined) return 0;
    return raw < prev ? raw : raw - prev;
  }

  forget(keyPrefix: string): void {
    for (const k of this.last.keys()) if (k.startsWith(keyPrefix)) this.last.delete(k);
  }
}

const MAX_AGE_MS = 3 * 86_400_000;
const FULL_RESOLUTION_MS = 3_600_000;

export class SloHistory {
  readonly points: CounterPoint[] = [];
  private adds = 0;

  add(t: number, eventsIncrease: number, totalIncrease: number): void {
    const prev = this.points[this.points.length - 1];
    this.points.push({ t, events: (prev?.events ?? 0) + eventsIncrease, total: (prev?.total ?? 0) + totalIncrease });
    if (++this.adds % 200 === 0) this.compact(t);
  }

  get first(): CounterPoint | undefined {
    return this.points[0];
  }

  get last(): CounterPoint | undefined {
    return this.points[this.points.length - 1];
  }

  /** The newest point at or before `t` (null when observation began after it, beyond `toleranceMs`). */
  at(t: number, toleranceMs: number): CounterPoint | null {
    const first = this.points[0];
    if (!first) return null;
    if (first.t > t) return first.t - t <= toleranceMs ? first : null;
    let lo = 0;
    let hi = this.points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.points[mid].t <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.points[lo];
  }

  /** Keep everything from the last hour, one point a minute before that, nothing older than 3 days. */
  private compact(now: number): void {
    const keep: CounterPoint[] = [];
    let minute = -1;
    for (const p of this.points) {
      if (p.t < now - MAX_AGE_MS) continue;
      if (p.t >= now - FULL_RESOLUTION_MS) keep.push(p);
      else if (Math.floor(p.t / 60_000) !== minute) {
        minute = Math.floor(p.t / 60_000);
        keep.push(p);
      }
    }
    if (keep.length && keep[0] !== this.points[0] && this.points[0].t >= now - MAX_AGE_MS) keep.unshift(this.points[0]);
    this.points.splice(0, this.points.length, ...keep);
  }
}
