import { describe, expect, it } from 'vitest';
import { allowed, parseTokenEnv, sha256, TokenRegistry } from './tokens.js';

describe('bearer tokens', () => {
  const registry = new TokenRegistry([
    { name: 'vera', sha256: sha256('viewer-secret'), role: 'viewer', services: ['*'] },
    { name: 'otto', sha256: sha256('operator-secret'), role: 'operator', services: ['recsys-reference'] },
    { name: 'ada', sha256: sha256('admin-secret'), role: 'admin', services: ['*'] },
  ]);

  it('finds the principal of a known bearer token and nobody for a missing, unknown or malformed one', () => {
    expect(registry.authenticate('Bearer operator-secret')).toEqual({ subject: 'otto', name: 'otto', role: 'operator', services: ['recsys-reference'] });
    expect(registry.authenticate('bearer admin-secret')?.subject).toBe('ada');
    expect(registry.authenticate(undefined)).toBeNull();
    expect(registry.authenticate('Bearer nope')).toBeNull();
    expect(registry.authenticate('Basic b3BlcmF0b3Itc2VjcmV0')).toBeNull();
    expect(registry.authenticate('operator-secret')).toBeNull();
  });

  it('lets viewers read, operators launch and abort on their own services only, and only admins release an emergency stop', () => {
    const vera = registry.authenticate('Bearer viewer-secret')!;
    const otto = registry.authenticate('Bearer operator-secret')!;
    const ada = registry.authenticate('Bearer admin-secret')!;
    expect(allowed(vera, 'read')).toBe(true);
    expect(allowed(vera, 'launch', 'recsys-reference')).toBe(false);
    expect(allowed(otto, 'launch', 'recsys-reference')).toBe(true);
    expect(allowed(otto, 'launch', 'checkout-ranker')).toBe(false);
    expect(allowed(otto, 'abort', 'checkout-ranker')).toBe(false);
    expect(allowed(otto, 'emergency-stop')).toBe(true);
    expect(allowed(otto, 'release')).toBe(false);
    expect(allowed(ada, 'launch', 'checkout-ranker')).toBe(true);
    expect(allowed(ada, 'release')).toBe(true);
  });
});

describe('DRILLBOOK_TOKENS', () => {
  it('hashes each token and reads its role and services', () => {
    const t = parseTokenEnv('dev-view:viewer, dev-op:operator:recsys-reference+checkout ,dev-admin:admin');
    expect(t.map((x) => [x.role, x.services])).toEqual([
      ['viewer', ['*']],
      ['operator', ['recsys-reference', 'checkout']],
      ['admin', ['*']],
    ]);
    expect(t[1].sha256).toBe(sha256('dev-op'));
    expect(JSON.stringify(t)).not.toContain('dev-op"');
  });

  it('rejects an unknown role without echoing the token', () => {
    expect(() => parseTokenEnv('s3cret:root')).toThrow(/entry 1: role must be viewer, operator, admin or approver, got "root"/);
    expect(() => parseTokenEnv('s3cret')).toThrow(/expected token:role/);
    try {
      parseTokenEnv('s3cret');
    } catch (e) {
      expect((e as Error).message).not.toContain('s3cret');
    }
  });
});

describe('the approver role', () => {
  it('reads and may not launch, abort or engage the emergency stop (it approves other people\'s drills instead)', () => {
    const [t] = parseTokenEnv('tok:approver');
    expect(t!.role).toBe('approver');
    const p = { subject: 'bob', role: 'approver' as const, services: ['*'] };
    expect(allowed(p, 'read')).toBe(true);
    expect(allowed(p, 'launch', 'svc')).toBe(false);
    expect(allowed(p, 'abort', 'svc')).toBe(false);
    expect(allowed(p, 'emergency-stop')).toBe(false);
  });
});
