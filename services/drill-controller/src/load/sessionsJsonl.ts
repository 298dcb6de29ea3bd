/**
 * Load sessions as JSON Lines: one held-out request per line, the format a team uses to drill its own
 * service with its own traffic (and, optionally, its own ground truth):
 *
 *   {"userId": "u-1", "query": "running shoes", "k": 10, "relevant": ["i-2", "i-7"]}
 *   {"userId": "u-9", "query": "", "mix": "drifted"}
 *
 * - `userId` (non-empty string) is required; `query` (string, default "") and `k` (1..100, default
 *   the runbook's `load.k`) are optional;
 * - `relevant`: the item ids that are relevant for this request (ground truth). Requests without it
 *   are sent but not scored; with none at all, quality objectives (NDCG) are `no-data`, never failed;
 * - `mix`: `training` (default) or `drifted`, the request list a phase draws from;
 * - blank lines are skipped; any other field is refused (a typo must not be ignored).
 * Every problem names the file and line: `sessions.jsonl:3: relevant: expected an array of item ids`.
 */
import type { LoadRequestTemplate, LoadSessionsFile } from '@drillbook/contracts';
import { InvalidLoadPlan } from './errors.js';

export interface SessionLine {
  userId: string;
  query?: string;
  k?: number;
  relevant?: string[];
  mix?: 'training' | 'drifted';
}

const FIELDS = ['userId', 'query', 'k', 'relevant', 'mix'];
/** Lines a file may hold (both engines keep every request in memory). */
export const MAX_SESSION_LINES = 1_000_000;

/** Whether a sessions path is JSON Lines (by extension: `.jsonl` or `.ndjson`). */
export function isJsonlPath(path: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(path);
}

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`);

/** Parses JSONL sessions into the sessions file both engines read; throws InvalidLoadPlan naming file:line and field. */
export function parseSessionsJsonl(text: string, source: string): LoadSessionsFile {
  const training: LoadRequestTemplate[] = [];
  const drifted: LoadRequestTemplate[] = [];
  const lines = text.split('\n');
  let count = 0;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const at = `${source}:${i + 1}`;
    const fail = (field: string, expected: string): never => {
      throw new InvalidLoadPlan(field, expected, at);
    };
    if (++count > MAX_SESSION_LINES) fail('(line)', `at most ${MAX_SESSION_LINES.toLocaleString('en-US')} requests in one file`);
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      fail('(line)', `one JSON object per line (${(e as Error).message})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('(line)', `a JSON object {"userId": ..., "query": ..., "relevant": [...]}, got ${kind(v)}`);
    const r = v as Record<string, unknown>;
    for (const key of Object.keys(r)) if (!FIELDS.includes(key)) fail(key, `no such field (a line has ${FIELDS.join(', ')})`);
    if (typeof r.userId !== 'string' || r.userId === '') fail('userId', `a non-empty string, got ${r.userId === undefined ? 'nothing' : kind(r.userId)}`);
    if (r.query !== undefined && typeof r.query !== 'string') fail('query', `a string, got ${kind(r.query)}`);
    if (r.k !== undefined && !(Number.isInteger(r.k) && (r.k as number) >= 1 && (r.k as number) <= 100)) fail('k', `an integer 1..100, got ${kind(r.k)}`);
    if (r.relevant !== undefined && !(Array.isArray(r.relevant) && r.relevant.every((x) => typeof x === 'string' && x !== ''))) fail('relevant', `an array of item ids (non-empty strings), got ${kind(r.relevant)}`);
    if (r.mix !== undefined && r.mix !== 'training' && r.mix !== 'drifted') fail('mix', `"training" or "drifted", got ${kind(r.mix)}`);
    const t: LoadRequestTemplate = { userId: r.userId as string, query: (r.query as string | undefined) ?? '', groundTruth: (r.relevant as string[] | undefined) ?? [], category: '', segment: '' };
    if (r.k !== undefined) t.k = r.k as number;
    (r.mix === 'drifted' ? drifted : training).push(t);
  });
  if (count === 0) throw new InvalidLoadPlan('(file)', 'at least one request line', source);
  return { schemaVersion: 1, world: { seed: 0, items: 0, users: 0 }, training, drifted };
}

/** The sessions of a sessions file as JSON Lines (training first, then drifted with `"mix": "drifted"`). */
export function toSessionsJsonl(file: LoadSessionsFile): string {
  const line = (t: LoadRequestTemplate, mix: 'training' | 'drifted'): string => {
    const o: SessionLine = { userId: t.userId, query: t.query };
    if (t.k !== undefined) o.k = t.k;
    if (t.groundTruth.length) o.relevant = t.groundTruth;
    if (mix === 'drifted') o.mix = 'drifted';
    return JSON.stringify(o);
  };
  return [...file.training.map((t) => line(t, 'training')), ...file.drifted.map((t) => line(t, 'drifted'))].map((l) => `${l}\n`).join('');
}
