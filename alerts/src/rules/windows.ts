/** Prometheus durations and the SLO windows derived from the burn-rate alert table. */
import { BURN_RATE_ALERTS } from '@drillbook/contracts';

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10080 };

/** Minutes in a duration such as "5m", "6h", "30d". */
export function durationMinutes(d: string): number {
  const m = /^(\d+)([mhdw])$/.exec(d);
  if (!m) throw new Error(`unsupported duration ${JSON.stringify(d)} (expected <n>m, <n>h, <n>d or <n>w)`);
  return Number(m[1]) * UNIT_MINUTES[m[2]];
}

/** The shortest Prometheus spelling of a number of minutes ("90m" stays "90m", "1440m" is "1d"). */
export function formatMinutes(minutes: number): string {
  for (const [unit, size] of [['d', 1440], ['h', 60]] as const) {
    if (minutes % size === 0) return `${minutes / size}${unit}`;
  }
  return `${minutes}m`;
}

/** Every window an alert reads, shortest first: 5m, 30m, 1h, 2h, 6h, 1d, 3d. */
export function alertWindows(): string[] {
  const set = new Set<string>();
  for (const a of BURN_RATE_ALERTS) {
    set.add(a.shortWindow);
    set.add(a.longWindow);
  }
  return [...set].sort((a, b) => durationMinutes(a) - durationMinutes(b));
}

/** The short windows, whose event rate the minimum-traffic guard reads. */
export function guardWindows(): string[] {
  return [...new Set(BURN_RATE_ALERTS.map((a) => a.shortWindow))].sort((a, b) => durationMinutes(a) - durationMinutes(b));
}
