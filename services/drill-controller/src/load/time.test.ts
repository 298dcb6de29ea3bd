import { describe, expect, it } from 'vitest';
import { isoMicros, parseRfc3339 } from './time.js';

describe('k6 timestamps', () => {
  it('writes microseconds and reads them back', () => {
    const t = Date.UTC(2030, 0, 2, 3, 4, 5, 123) + 0.456;
    expect(isoMicros(t)).toBe('2030-01-02T03:04:05.123456Z');
    expect(isoMicros(Date.UTC(2030, 0, 2, 3, 4, 5, 7) + 0.009)).toBe('2030-01-02T03:04:05.007009Z');
    expect(parseRfc3339('2030-01-02T03:04:05.123456Z')).toBeCloseTo(t, 3);
  });

  it('reads k6’s nanosecond timestamps and zone offsets', () => {
    expect(parseRfc3339('2026-11-23T06:59:11.229760716Z')).toBeCloseTo(Date.UTC(2026, 10, 23, 6, 59, 11, 229) + 0.760716, 3);
    expect(parseRfc3339('2026-11-23T07:59:11.5+01:00')).toBe(Date.UTC(2026, 10, 23, 6, 59, 11, 500));
    expect(parseRfc3339('2026-11-23T06:59:11Z')).toBe(Date.UTC(2026, 10, 23, 6, 59, 11));
    expect(parseRfc3339('yesterday')).toBeNaN();
  });
});
