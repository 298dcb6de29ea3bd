import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTLIER } from '../config.js';
import { fakePool } from '../__fixtures__/fakes.js';
import { OutlierDetector } from './OutlierDetector.js';
import type { Upstream } from './Upstream.js';

const config = { ...DEFAULT_OUTLIER, consecutiveFailures: 3, baseEjectionMs: 1000, maxEjectionMs: 5000 };
const thresholds = { healthy: 2, unhealthy: 2 };

function passCheck(u: Upstream, now: number): void {
  u.recordCheck(true, now, thresholds, { model: null }, now);
}

function setup(enabled = true) {
  const { pool, clock, metrics } = fakePool(3);
  const detector = new OutlierDetector(config, enabled, pool, metrics, clock.read);
  const [r1] = pool.all;
  return { pool, clock, metrics, detector, r1 };
}

describe('OutlierDetector', () => {
  it('ejects an upstream after the configured number of consecutive failures', async () => {
    const { detector, r1, clock, pool, metrics } = setup();
    detector.onFailure(r1, 'server_error');
    detector.onFailure(r1, 'timeout');
    expect(r1.isEjected(clock.now)).toBe(false);
    detector.onFailure(r1, 'server_error');
    expect(r1.isEjected(clock.now)).toBe(true);
    expect(pool.pick(null, (u) => u === r1)).not.toBe(r1);
    const text = await metrics.render();
    expect(text).toContain('gateway_ejections_total{upstream="r1"} 1');
    expect(text).toContain('gateway_upstream_ejected{upstream="r1",zone="zone-a"} 1');
  });

  it('forgets failures after a success', () => {
    const { detector, r1, clock } = setup();
    detector.onFailure(r1, 'server_error');
    detector.onFailure(r1, 'server_error');
    detector.onSuccess(r1);
    detector.onFailure(r1, 'server_error');
    detector.onFailure(r1, 'server_error');
    expect(r1.isEjected(clock.now)).toBe(false);
  });

  it('re-admits an ejected upstream once its time is over and a check sent after the ejection passed', () => {
    const { detector, r1, clock } = setup();
    const sentBefore = clock.now;
    clock.advance(5);
    for (let i = 0; i < 3; i++) detector.onFailure(r1, 'server_error');
    // A probe that was already on its way when the replica was ejected proves nothing.
    r1.recordCheck(true, clock.now, thresholds, { model: null }, sentBefore);
    clock.advance(2000);
    expect(r1.isEligible(clock.now)).toBe(false);
    passCheck(r1, clock.now);
    expect(r1.isEligible(clock.now)).toBe(true);
  });

  it('keeps an ejected upstream out until its time is over even when checks pass', () => {
    const { detector, r1, clock } = setup();
    for (let i = 0; i < 3; i++) detector.onFailure(r1, 'server_error');
    passCheck(r1, clock.now);
    clock.advance(999);
    expect(r1.isEligible(clock.now)).toBe(false);
    clock.advance(1);
    expect(r1.isEligible(clock.now)).toBe(true);
  });

  it('keeps an upstream out after its ejection time while its readiness checks fail or hang', () => {
    const { detector, r1, clock } = setup();
    for (let i = 0; i < 3; i++) detector.onFailure(r1, 'timeout');
    clock.advance(500);
    r1.recordCheck(false, clock.now, thresholds, { error: 'readiness check timed out' });
    clock.advance(5000);
    expect(r1.isEligible(clock.now)).toBe(false);
    expect(r1.view(clock.now)).toMatchObject({ ejected: true, eligible: false });
  });

  it('doubles the ejection time on each repeat, up to the cap', () => {
    const { detector, r1, clock } = setup();
    const durations: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3; i++) detector.onFailure(r1, 'server_error');
      durations.push(r1.ejectedUntil - clock.now);
      clock.advance(r1.ejectedUntil - clock.now);
      passCheck(r1, clock.now);
    }
    expect(durations).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('starts again from the base time after the upstream stayed in for longer than the cap', () => {
    const { detector, r1, clock } = setup();
    for (let i = 0; i < 3; i++) detector.onFailure(r1, 'server_error');
    clock.advance(1000);
    passCheck(r1, clock.now);
    for (let i = 0; i < 3; i++) detector.onFailure(r1, 'server_error');
    expect(r1.ejectedUntil - clock.now).toBe(2000);
    clock.advance(2000 + 5001);
    passCheck(r1, clock.now);
    for (let i = 0; i < 3; i++) detector.onFailure(r1, 'server_error');
    expect(r1.ejectedUntil - clock.now).toBe(1000);
  });

  it('takes an upstream out at the first refused connection', () => {
    const { detector, r1, clock } = setup();
    detector.onFailure(r1, 'connect_error', 'ECONNREFUSED');
    expect(r1.ready).toBe(false);
    expect(r1.isEligible(clock.now)).toBe(false);
    expect(r1.isEjected(clock.now)).toBe(false);
  });

  it('ejects nothing when ejection is turned off', () => {
    const { detector, r1, clock } = setup(false);
    for (let i = 0; i < 10; i++) detector.onFailure(r1, 'connect_error', 'ECONNREFUSED');
    expect(r1.isEligible(clock.now)).toBe(true);
    expect(r1.consecutiveFailures).toBe(10);
  });
});
