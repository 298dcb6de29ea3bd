/**
 * Blackout windows: a date range ([start, end) instants) or a weekly window (days, HH:MM to HH:MM
 * in an IANA time zone; a window whose end is not after its start runs past midnight into the next
 * day), for one service or all. `blackoutAt` says which window, if any, covers an instant.
 */
import type { Blackout, CreateBlackoutRequest, Weekday } from '@drillbook/contracts';
import { ApiError } from '../server/errors.js';

export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Weekday and minute of the day of an instant in a time zone. */
function localOf(at: number, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: WEEKDAYS.indexOf(get('weekday').toLowerCase().slice(0, 3) as Weekday), minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function covers(b: Blackout, service: string, at: number): boolean {
  if (b.service && b.service !== service) return false;
  if (b.start !== undefined && b.end !== undefined) return Date.parse(b.start) <= at && at < Date.parse(b.end);
  if (!b.weekly) return false;
  const { days, from, to, timeZone } = b.weekly;
  const { day, minute } = localOf(at, timeZone);
  const [f, t] = [minutes(from), minutes(to)];
  const on = (d: number) => days.includes(WEEKDAYS[(d + 7) % 7]!);
  if (f < t) return on(day) && minute >= f && minute < t;
  // Past midnight: the evening part on a listed day, the morning part on the day after one.
  return (on(day) && minute >= f) || (on(day - 1) && minute < t);
}

export function blackoutAt(all: readonly Blackout[], service: string, at: number): Blackout | null {
  return all.find((b) => covers(b, service, at)) ?? null;
}

export function describeBlackout(b: Blackout): string {
  const scope = b.service ? `for ${b.service}` : 'for every service';
  const when = b.weekly ? `every ${b.weekly.days.join(', ')} ${b.weekly.from}-${b.weekly.to} ${b.weekly.timeZone}` : `${b.start} to ${b.end}`;
  return `blackout window "${b.name}" (${b.id}, ${scope}, ${when}${b.reason ? `: ${b.reason}` : ''})`;
}

const bad = (field: string, msg: string) => new ApiError(400, `${field}: ${msg}`, field);

/** Validates a create request; every problem names its field. */
export function parseBlackout(body: unknown, services: readonly string[]): CreateBlackoutRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('(body)', 'expected a JSON object');
  const b = body as Record<string, unknown>;
  const known = ['name', 'service', 'start', 'end', 'weekly', 'reason'];
  for (const k of Object.keys(b)) if (!known.includes(k)) throw bad(k, `unknown field (expected one of ${known.join(', ')})`);
  if (typeof b.name !== 'string' || !b.name.trim()) throw bad('name', 'expected a non-empty string');
  if (b.service !== undefined && (typeof b.service !== 'string' || !services.includes(b.service))) throw bad('service', `expected one of ${services.join(', ')}, got ${JSON.stringify(b.service)}`);
  if (b.reason !== undefined && typeof b.reason !== 'string') throw bad('reason', 'expected a string');
  const hasRange = b.start !== undefined || b.end !== undefined;
  if (hasRange === (b.weekly !== undefined)) throw bad('start', 'give either start and end (a date range) or weekly (a weekly window), not both and not neither');
  const out: CreateBlackoutRequest = { name: b.name.trim(), ...(b.service ? { service: b.service as string } : {}), ...(b.reason ? { reason: b.reason as string } : {}) };
  if (hasRange) {
    for (const f of ['start', 'end'] as const) if (typeof b[f] !== 'string' || Number.isNaN(Date.parse(b[f] as string))) throw bad(f, `expected an ISO 8601 instant, got ${JSON.stringify(b[f])}`);
    const [s, e] = [Date.parse(b.start as string), Date.parse(b.end as string)];
    if (e <= s) throw bad('end', `must be after start (${b.start})`);
    return { ...out, start: new Date(s).toISOString(), end: new Date(e).toISOString() };
  }
  const w = b.weekly as Record<string, unknown>;
  if (typeof w !== 'object' || w === null || Array.isArray(w)) throw bad('weekly', 'expected {days, from, to, timeZone}');
  for (const k of Object.keys(w)) if (!['days', 'from', 'to', 'timeZone'].includes(k)) throw bad(`weekly.${k}`, 'unknown field (expected days, from, to, timeZone)');
  if (!Array.isArray(w.days) || !w.days.length) throw bad('weekly.days', `expected a non-empty list of ${WEEKDAYS.join(', ')}`);
  w.days.forEach((d, i) => {
    if (!WEEKDAYS.includes(d as Weekday)) throw bad(`weekly.days[${i}]`, `expected one of ${WEEKDAYS.join(', ')}, got ${JSON.stringify(d)}`);
  });
  for (const f of ['from', 'to'] as const) if (typeof w[f] !== 'string' || !HHMM.test(w[f] as string)) throw bad(`weekly.${f}`, `expected HH:MM (24-hour), got ${JSON.stringify(w[f])}`);
  if (w.from === w.to) throw bad('weekly.to', 'must differ from weekly.from');
  const tz = w.timeZone ?? 'UTC';
  if (typeof tz !== 'string' || !validTimeZone(tz)) throw bad('weekly.timeZone', `expected an IANA time zone such as Europe/Berlin, got ${JSON.stringify(tz)}`);
  return { ...out, weekly: { days: [...new Set(w.days as Weekday[])], from: w.from as string, to: w.to as string, timeZone: tz } };
}
