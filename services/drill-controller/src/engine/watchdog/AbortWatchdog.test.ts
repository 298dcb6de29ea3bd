import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortWatchdog } from './AbortWatchdog.js';

afterEach(() => {
  vi.useRealTimers();
});

function dog() {
  vi.useFakeTimers();
  let now = 0;
  const calls: string[] = [];
  const w = new AbortWatchdog(
    { abort: (s, r) => calls.push(`abort ${s}: ${r}`), kill: (why) => calls.push(`kill ${why.source} after ${why.stalledForMs}`) },
    { graceMs: 1000, staleMs: 2000, maxDurationSlackMs: 500, now: () => now },
  );
  const advance = (ms: number) => {
    now += ms;
    vi.advanceTimersByTime(ms);
  };
  return { w, calls, advance };
}

describe('the abort watchdog', () => {
  it('kills an engine whose heartbeat stopped once the grace after an abort has passed', () => {
    const { w, calls, advance } = dog();
    w.aborting('api', 'stop');
    advance(900);
    expect(calls).toEqual([]);
    advance(1500); // grace over, heartbeat 2.4 s old
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^kill api after 2[0-9]{3}$/);
  });

  it('leaves a live engine alone while it rolls back, however long that takes', () => {
    const { w, calls, advance } = dog();
    w.aborting('emergency-stop', 'cord');
    for (let i = 0; i < 40; i++) {
      advance(250);
      w.heartbeat();
    }
    expect(calls).toEqual([]);
  });

  it('aborts at maxDuration from the method phase, then kills a stalled engine', () => {
    const { w, calls, advance } = dog();
    w.methodStarted(10_000, '10s');
    advance(10_400);
    expect(calls).toEqual([]);
    advance(200);
    expect(calls).toEqual(['abort max-duration: drill exceeded guardrails.maxDuration 10s (watchdog)']);
    advance(2000);
    expect(calls[1]).toMatch(/^kill max-duration after/);
  });

  it('does not abort a drill whose method phase ended in time (its rollback and scorecard may run past maxDuration)', () => {
    const { w, calls, advance } = dog();
    w.methodEnded(); // a phase before the method: no effect
    w.methodStarted(10_000, '10s');
    advance(9000);
    w.methodEnded();
    advance(60_000);
    expect(calls).toEqual([]);
  });
});
