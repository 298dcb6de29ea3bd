import { describe, expect, it } from 'vitest';
import { Upstream } from './Upstream.js';

const thresholds = { healthy: 2, unhealthy: 2 };
const model = { name: 'two-tower', version: 'v1', sha256: 'abc' };

function upstream() {
  return new Upstream({ id: 'r1', url: 'http://127.0.0.1:9001', zone: 'zone-a' });
}

describe('Upstream readiness', () => {
  it('is not ready before its first check, and the first check decides', () => {
    const u = upstream();
    expect(u.isEligible(0)).toBe(false);
    expect(u.recordCheck(true, 0, thresholds, { model })).toBe('up');
    expect(u.isEligible(0)).toBe(true);
    expect(u.model).toEqual(model);
  });

  it('goes down only after the unhealthy threshold of failed checks in a row', () => {
    const u = upstream();
    u.recordCheck(true, 0, thresholds, { model });
    expect(u.recordCheck(false, 1, thresholds, { error: 'timeout' })).toBeNull();
    expect(u.ready).toBe(true);
    expect(u.recordCheck(false, 2, thresholds, { error: 'timeout' })).toBe('down');
    expect(u.ready).toBe(false);
    expect(u.lastError).toBe('timeout');
  });

  it('comes back only after the healthy threshold of passed checks in a row', () => {
    const u = upstream();
    u.recordCheck(false, 0, thresholds, { error: 'refused' });
    expect(u.recordCheck(true, 1, thresholds, { model })).toBeNull();
    expect(u.recordCheck(false, 2, thresholds, { error: 'refused' })).toBeNull();
    expect(u.recordCheck(true, 3, thresholds, { model })).toBeNull();
    expect(u.recordCheck(true, 4, thresholds, { model })).toBe('up');
    expect(u.lastError).toBeNull();
  });

  it('is taken out at once when marked down by a passive signal', () => {
    const u = upstream();
    u.recordCheck(true, 0, thresholds, { model });
    expect(u.markDown('connection refused')).toBe('down');
    expect(u.isEligible(0)).toBe(false);
    expect(u.view(0)).toMatchObject({ ready: false, eligible: false, lastError: 'connection refused' });
  });
});
