/** Cron schedules (croner): validation of a create request and the occurrences of a schedule. */
import { Cron } from 'croner';
import type { CreateScheduleRequest, Schedule } from '@drillbook/contracts';
import { ApiError } from '../server/errors.js';
import { validTimeZone } from './blackouts.js';

const bad = (field: string, msg: string) => new ApiError(400, `${field}: ${msg}`, field);

function cronOf(expr: string, timeZone: string): Cron {
  return new Cron(expr, { timezone: timeZone, paused: true });
}

export function parseSchedule(body: unknown): CreateScheduleRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('(body)', 'expected a JSON object');
  const b = body as Record<string, unknown>;
  const known = ['runbook', 'service', 'cron', 'timeZone', 'quick', 'paused'];
  for (const k of Object.keys(b)) if (!known.includes(k)) throw bad(k, `unknown field (expected one of ${known.join(', ')})`);
  if (typeof b.runbook !== 'string' || !b.runbook) throw bad('runbook', 'expected a runbook name');
  if (b.service !== undefined && (typeof b.service !== 'string' || !b.service)) throw bad('service', 'expected a service id');
  if (typeof b.cron !== 'string' || !b.cron.trim()) throw bad('cron', 'expected a cron expression such as "0 3 * * tue"');
  const timeZone = b.timeZone ?? 'UTC';
  if (typeof timeZone !== 'string' || !validTimeZone(timeZone)) throw bad('timeZone', `expected an IANA time zone such as Europe/Berlin, got ${JSON.stringify(timeZone)}`);
  try {
    if (!cronOf(b.cron, timeZone).nextRun()) throw new Error('it never fires');
  } catch (e) {
    throw bad('cron', `invalid cron expression ${JSON.stringify(b.cron)}: ${(e as Error).message}`);
  }
  for (const f of ['quick', 'paused'] as const) if (b[f] !== undefined && typeof b[f] !== 'boolean') throw bad(f, 'expected true or false');
  return { runbook: b.runbook, ...(b.service ? { service: b.service as string } : {}), cron: b.cron.trim(), timeZone, quick: !!b.quick, paused: !!b.paused };
}

/** Occurrences strictly after `after`, up to and including `until` (at most `max`). */
export function occurrences(s: Pick<Schedule, 'cron' | 'timeZone'>, after: number, until: number, max = 1000): number[] {
  const c = cronOf(s.cron, s.timeZone);
  const out: number[] = [];
  let from = new Date(after);
  while (out.length < max) {
    const n = c.nextRun(from);
    if (!n || n.getTime() > until) break;
    out.push(n.getTime());
    from = n;
  }
  return out;
}

/** The next `n` occurrences after `after`. */
export function nextRuns(s: Pick<Schedule, 'cron' | 'timeZone'>, after: number, n: number): number[] {
  return cronOf(s.cron, s.timeZone)
    .nextRuns(n, new Date(after))
    .map((d) => d.getTime());
}
