/** Timestamps as k6 writes them in `--out json` (RFC 3339 with sub-millisecond digits). */

/** Epoch milliseconds (with a fraction) -> `2026-01-02T03:04:05.123456Z`. */
let cachedMs = Number.NaN;
let cachedPrefix = '';

export function isoMicros(epochMs: number): string {
  const whole = Math.floor(epochMs);
  if (whole !== cachedMs) {
    cachedMs = whole;
    cachedPrefix = new Date(whole).toISOString().slice(0, -1); // ...05.123
  }
  const micros = Math.floor((epochMs - whole) * 1000);
  return `${cachedPrefix}${micros < 10 ? '00' : micros < 100 ? '0' : ''}${micros}Z`;
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** RFC 3339 (any number of fraction digits, `Z` or an offset) -> epoch milliseconds with a fraction; NaN if malformed. */
export function parseRfc3339(s: string): number {
  const m = RFC3339.exec(s);
  if (!m) return Number.NaN;
  const base = Date.parse(`${m[1]}${m[3]}`);
  return m[2] ? base + Number(m[2]) * 1000 : base;
}

/** Wall-clock epoch ms of a `performance.now()` reading. */
export function wallClock(perfNow: number): number {
  return performance.timeOrigin + perfNow;
}
