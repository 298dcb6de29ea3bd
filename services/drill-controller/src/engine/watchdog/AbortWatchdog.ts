/**
 * The watchdog of a drill's abort path, run OUTSIDE the drill's load loop (the controller's API
 * thread for a drill in a worker thread; a thread of its own for `drillbook run`). The engine sends
 * a heartbeat every `HEARTBEAT_MS`. Once an abort was asked for (API, emergency stop, signal) or the
 * drill's `maxDuration` passed with the drill still going, the watchdog gives the engine's own abort
 * path `graceMs`; if by then the drill has not ended and its heartbeat has stopped for `staleMs`
 * (the engine is stalled, e.g. a saturated load loop), it calls `kill` — the owner terminates the
 * engine and undoes its faults from the last journal. A live engine that is still rolling back is
 * left alone.
 */

export const HEARTBEAT_MS = 250;

export interface WatchdogOptions {
  /** How long the engine's own abort path gets before a stalled engine is killed. */
  graceMs?: number;
  /** A heartbeat older than this means the engine is stalled. */
  staleMs?: number;
  /** Slack after `maxDuration` before the watchdog itself aborts. */
  maxDurationSlackMs?: number;
  now?: () => number;
}

export interface WatchdogHooks {
  /** Forward an abort to the engine (the watchdog's own `maxDuration` abort). */
  abort(source: 'max-duration', reason: string): void;
  /** The engine is stalled past the grace: terminate it. */
  kill(why: { source: string; reason: string; stalledForMs: number }): void;
}

const envMs = (name: string, def: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : def;
};

export class AbortWatchdog {
  private lastBeat: number;
  private abortAt: number | null = null;
  private abortWhy: { source: string; reason: string } | null = null;
  private maxTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private methodDone = false;
  private readonly graceMs: number;
  private readonly staleMs: number;
  private readonly slackMs: number;
  private readonly now: () => number;

  constructor(
    private readonly hooks: WatchdogHooks,
    opts: WatchdogOptions = {},
  ) {
    this.graceMs = opts.graceMs ?? envMs('DRILLBOOK_WATCHDOG_GRACE_MS', 5000);
    this.staleMs = opts.staleMs ?? envMs('DRILLBOOK_WATCHDOG_STALE_MS', 10_000);
    this.slackMs = opts.maxDurationSlackMs ?? 2000;
    this.now = opts.now ?? Date.now;
    this.lastBeat = this.now();
  }

  heartbeat(): void {
    this.lastBeat = this.now();
  }

  /** The method phase began: `maxDuration` counts from here (as the engine's own timer does). */
  methodStarted(maxDurationMs: number, label: string): void {
    if (this.stopped || this.maxTimer || this.methodDone) return;
    this.maxTimer = setTimeout(() => {
      const reason = `drill exceeded guardrails.maxDuration ${label} (watchdog)`;
      this.hooks.abort('max-duration', reason);
      this.aborting('max-duration', reason);
    }, maxDurationMs + this.slackMs);
    this.maxTimer.unref();
  }

  /** The method phase ended (the engine cleared its own maxDuration timer then too). */
  methodEnded(): void {
    if (!this.maxTimer) return; // a phase before the method
    clearTimeout(this.maxTimer);
    this.maxTimer = null;
    this.methodDone = true;
  }

  /** An abort was forwarded to the engine: start the grace period. */
  aborting(source: string, reason: string): void {
    if (this.stopped || this.abortAt !== null) return;
    this.abortAt = this.now();
    this.abortWhy = { source, reason };
    this.checkTimer = setInterval(() => this.check(), Math.min(250, this.graceMs));
    this.checkTimer.unref();
  }

  private check(): void {
    if (this.stopped || this.abortAt === null) return;
    const t = this.now();
    const stalledForMs = t - this.lastBeat;
    if (t - this.abortAt >= this.graceMs && stalledForMs >= this.staleMs) {
      const why = this.abortWhy!;
      this.stop();
      this.hooks.kill({ ...why, stalledForMs });
    }
  }

  /** The drill ended (or was killed): no more timers. */
  stop(): void {
    this.stopped = true;
    if (this.maxTimer) clearTimeout(this.maxTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
  }
}
