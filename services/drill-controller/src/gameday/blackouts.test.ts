import { describe, expect, it } from 'vitest';
import type { Blackout } from '@drillbook/contracts';
import { ApiError } from '../server/errors.js';
import { blackoutAt, parseBlackout } from './blackouts.js';

const meta = { createdBy: 'alice', createdAt: '2026-11-01T00:00:00Z' };
const sale: Blackout = { id: 'b1', name: 'Black Friday', start: '2026-11-27T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z', ...meta };
const nights: Blackout = { id: 'b2', name: 'Berlin weekend nights', service: 'search', weekly: { days: ['fri', 'sat'], from: '22:00', to: '06:00', timeZone: 'Europe/Berlin' }, ...meta };

describe('blackout windows', () => {
  it('covers a date range for every service, end excluded', () => {
    expect(blackoutAt([sale], 'any', Date.parse('2026-11-28T12:00:00Z'))?.name).toBe('Black Friday');
    expect(blackoutAt([sale], 'any', Date.parse('2026-11-30T00:00:00Z'))).toBeNull();
  });

  it('covers a weekly window past midnight in its own time zone, for its service only', () => {
    // Saturday 2026-12-05 04:30 in Berlin (03:30 UTC) is the morning part of Friday night's window.
    expect(blackoutAt([nights], 'search', Date.parse('2026-12-05T03:30:00Z'))?.id).toBe('b2');
    // Friday 22:30 Berlin = 21:30 UTC.
    expect(blackoutAt([nights], 'search', Date.parse('2026-12-04T21:30:00Z'))?.id).toBe('b2');
    // Friday 21:30 Berlin: before the window.
    expect(blackoutAt([nights], 'search', Date.parse('2026-12-04T20:30:00Z'))).toBeNull();
    // Monday 03:00 Berlin: Sunday night is not listed.
    expect(blackoutAt([nights], 'search', Date.parse('2026-12-07T02:00:00Z'))).toBeNull();
    expect(blackoutAt([nights], 'other', Date.parse('2026-12-05T03:30:00Z'))).toBeNull();
  });

  it.each([
    [{ name: 'x' }, 'start'],
    [{ name: 'x', start: '2026-12-01T00:00:00Z', end: '2026-11-01T00:00:00Z' }, 'end'],
    [{ name: 'x', weekly: { days: ['fri', 'caturday'], from: '22:00', to: '06:00' } }, 'weekly.days[1]'],
    [{ name: 'x', weekly: { days: ['fri'], from: '25:00', to: '06:00' } }, 'weekly.from'],
    [{ name: 'x', weekly: { days: ['fri'], from: '22:00', to: '06:00', timeZone: 'Mars/Olympus' } }, 'weekly.timeZone'],
    [{ name: 'x', service: 'nope', start: '2026-12-01T00:00:00Z', end: '2026-12-02T00:00:00Z' }, 'service'],
  ])('refuses %j naming the field %s', (body, field) => {
    try {
      parseBlackout(body, ['search']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).field).toBe(field);
    }
  });
});
