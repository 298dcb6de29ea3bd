/** Reads and checks a `LoadSessionsFile` (written by `model:build`, read by both engines), or JSONL sessions (sessionsJsonl.ts). */
import { readFileSync } from 'node:fs';
import type { LoadRequestTemplate, LoadSessionsFile } from '@drillbook/contracts';
import { InvalidLoadPlan } from './errors.js';
import { isJsonlPath, parseSessionsJsonl } from './sessionsJsonl.js';

export function readSessionsFile(path: string): LoadSessionsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new InvalidLoadPlan('sessions', `a readable sessions file at "${path}" (${(cause as Error).message})`);
  }
  if (isJsonlPath(path)) return parseSessionsJsonl(text, path);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new InvalidLoadPlan('(root)', `JSON (${(cause as Error).message})`, path);
  }
  return checkSessions(data, path);
}

export function checkSessions(data: unknown, source = 'sessions'): LoadSessionsFile {
  const fail = (field: string, expected: string): never => {
    throw new InvalidLoadPlan(field, expected, source);
  };
  if (typeof data !== 'object' || data === null) fail('(root)', 'an object');
  const d = data as Record<string, unknown>;
  if (d.schemaVersion !== 1) fail('schemaVersion', '1');
  for (const list of ['training', 'drifted'] as const) {
    const arr = d[list];
    if (!Array.isArray(arr)) fail(list, 'an array of request templates');
    (arr as unknown[]).forEach((t, i) => checkTemplate(t, `${list}[${i}]`, fail));
  }
  return d as unknown as LoadSessionsFile;
}

function checkTemplate(t: unknown, at: string, fail: (field: string, expected: string) => never): asserts t is LoadRequestTemplate {
  if (typeof t !== 'object' || t === null) fail(at, 'an object with userId, query and groundTruth');
  const r = t as Record<string, unknown>;
  if (typeof r.userId !== 'string' || r.userId === '') fail(`${at}.userId`, 'a non-empty string');
  if (typeof r.query !== 'string') fail(`${at}.query`, 'a string');
  if (!Array.isArray(r.groundTruth) || !r.groundTruth.every((x) => typeof x === 'string')) {
    fail(`${at}.groundTruth`, 'an array of item ids');
  }
}
