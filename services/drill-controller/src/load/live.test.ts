import { describe, expect, it } from 'vitest';
import { LiveStats } from './live.js';

describe('live figures over a sliding window', () => {
  it('forgets what completed before the window and keeps the totals', () => {
    const live = new LiveStats(2);
    for (let i = 0; i < 10; i++) live.onCompleted(100 + i, 500, false); // second 0: 10 slow errors
    for (let i = 0; i < 10; i++) live.onCompleted(4000 + i * 50, 5, true); // second 4: 10 fast successes
    live.onDegraded(4100);
    const t = live.tick(4600, '2030-01-01T00:00:04.600Z', 'recovery', 20, 3);
    expect(t).toMatchObject({ completed: 20, errors: 10, degraded: 1, phase: 'recovery', plannedRps: 20, remainingS: 3 });
    expect(t.window.completed).toBe(10);
    expect(t.window.errorRate).toBe(0);
    expect(t.window.availability).toBe(1);
    expect(t.window.p99Ms).toBe(5);
    expect(t.window.degradedShare).toBeCloseTo(0.1, 12);
    // 10 requests over the 2.6 s the window covers.
    expect(t.window.rps).toBeCloseTo(10 / 2.6, 6);
  });

  it('counts a 2xx answer that did not fit the protocol as an error (guardrails see it)', () => {
    const live = new LiveStats(5);
    for (let i = 0; i < 4; i++) live.onCompleted(1000 + i * 10, 5, true);
    live.onInvalid(1030);
    const t = live.tick(1500, 'x', 'fault', 4, 1);
    expect(t).toMatchObject({ completed: 4, errors: 1 });
    expect(t.window.errorRate).toBeCloseTo(0.25, 12);
  });

  it('reports the last whole second separately', () => {
    const live = new LiveStats(5);
    live.onSent(900);
    live.onSent(1100);
    live.onSent(1200);
    live.onCompleted(1300, 10, false);
    const t = live.tick(2100, 'x', 'fault', 10, 1);
    expect(t.lastSecond).toEqual({ sent: 2, completed: 1, errors: 1 });
    expect(t.sent).toBe(3);
  });

  it('has no error rate or p99 before anything completed', () => {
    const t = new LiveStats(5).tick(500, 'x', 'baseline', 10, 10);
    expect(t.window).toMatchObject({ completed: 0, errorRate: null, availability: null, p99Ms: null, degradedShare: null });
  });
});
