/**
 * The host's CPU while load runs, from Linux's /proc/stat: how busy the machine was (idle and
 * iowait excluded) and how much time the hypervisor stole, per load phase. The verdict uses it to
 * tell a weak host from a weak service; where /proc/stat cannot be read the figures are absent.
 */
import { readFileSync } from 'node:fs';
import type { HostCpuPhase, LoadWindow } from './types.js';

export interface CpuCounters {
  /** Wall-clock ms when read. */
  at: number;
  total: number;
  idle: number;
  steal: number;
}

/** Parses the aggregate `cpu` line of /proc/stat (user nice system idle iowait irq softirq steal ...); null when absent. */
export function parseProcStat(text: string, at: number): CpuCounters | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return null;
  // guest and guest_nice (fields 9, 10) are already counted in user and nice.
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { at, total, idle: (f[3] ?? 0) + (f[4] ?? 0), steal: f[7] ?? 0 };
}

/** Busy and steal shares between two readings; null when no CPU time passed between them. */
export function cpuShare(a: CpuCounters, b: CpuCounters): { busy: number; steal: number } | null {
  const dt = b.total - a.total;
  if (dt <= 0) return null;
  const r = (x: number) => Math.round(Math.max(0, Math.min(1, x)) * 1e4) / 1e4;
  return { busy: r(1 - (b.idle - a.idle) / dt), steal: r((b.steal - a.steal) / dt) };
}

/** Per phase: the readings that bracket its window most closely from inside (or the nearest outside when none is inside). */
export function perPhase(readings: readonly CpuCounters[], windows: readonly LoadWindow[]): HostCpuPhase[] {
  const out: HostCpuPhase[] = [];
  if (readings.length < 2) return out;
  for (const w of windows) {
    const start = Date.parse(w.start);
    const end = Date.parse(w.end);
    let first = readings.findIndex((r) => r.at >= start);
    let last = readings.length - 1;
    while (last >= 0 && readings[last].at > end) last--;
    if (first === -1) first = readings.length - 1;
    if (last <= first) {
      // Fewer than two readings inside: widen to the readings around the window.
      first = Math.max(0, Math.min(first, readings.length - 1) - 1);
      last = Math.min(readings.length - 1, Math.max(last, first) + 1);
    }
    const s = cpuShare(readings[first], readings[last]);
    if (s) out.push({ phase: w.phase, ...s });
  }
  return out;
}

/** Reads /proc/stat every `everyMs` until stopped; `stop()` returns the readings. */
export class HostCpuSampler {
  private readonly readings: CpuCounters[] = [];
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    everyMs = 500,
    private readonly read: () => string = () => readFileSync('/proc/stat', 'utf8'),
  ) {
    this.sample();
    this.timer = this.readings.length ? setInterval(() => this.sample(), everyMs) : null;
    this.timer?.unref();
  }

  private sample(): void {
    try {
      const c = parseProcStat(this.read(), Date.now());
      if (c) this.readings.push(c);
    } catch {
      /* not Linux, or /proc not mounted: no host figures */
    }
  }

  stop(): CpuCounters[] {
    if (this.timer) {
      clearInterval(this.timer);
      this.sample();
    }
    return this.readings;
  }
}
