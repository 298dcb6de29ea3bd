/** Durations in runbooks: "500ms", "30s", "2m", "1.5h". */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const RE = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/;

export function isDuration(s: unknown): s is string {
  return typeof s === 'string' && RE.test(s);
}

export function durationMs(s: string): number {
  const m = RE.exec(s);
  if (!m) throw new RangeError(`not a duration: "${s}" (expected e.g. 500ms, 30s, 2m, 1h)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}
