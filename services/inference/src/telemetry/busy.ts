/**
 * Busy fraction of the inference engine: how much of the recent wall-clock time at least one
 * session.run was executing. This is what `accelerator_utilization_ratio{kind="cpu"}` reports on a
 * CPU-only replica — measured, not estimated.
 */
export class BusyMeter {
  private active = 0;
  private activeSince = 0;
  /** Closed busy intervals [start, end] in ms, oldest first, trimmed to the window. */
  private intervals: Array<[number, number]> = [];

  private readonly createdAt: number;

  constructor(private readonly windowMs = 10_000, private readonly clock: () => number = () => performance.now()) {
    this.createdAt = clock();
  }

  begin(): void {
    if (this.active++ === 0) this.activeSince = this.clock();
  }

  end(): void {
    if (this.active === 0) return;
    if (--this.active === 0) this.intervals.push([this.activeSince, this.clock()]);
  }

  ratio(): number {
    const now = this.clock();
    const from = now - this.windowMs;
    while (this.intervals.length && this.intervals[0][1] < from) this.intervals.shift();
    let busy = 0;
    for (const [s, e] of this.intervals) busy += e - Math.max(s, from);
    if (this.active > 0) busy += now - Math.max(this.activeSince, from);
    const span = Math.min(this.windowMs, now - this.createdAt);
    return span <= 0 ? 0 : Math.min(1, Math.max(0, busy / span));
  }
}
