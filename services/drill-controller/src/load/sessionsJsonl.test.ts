/**
 * JSONL load sessions: the documented line format, line-numbered errors, the export round trip, and
 * a drill driven from a team's own lines: per-line k sent, and with no ground truth the quality
 * objective is `no-data`, never failed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionsCli } from '../cli/sessions.js';
import { computeScorecard } from '../scorecard/compute.js';
import { fakeJournal, fakeRunbook } from '../scorecard/__fixtures__/factories.js';
import { startTarget, type TargetServer } from './__fixtures__/targetServer.js';
import { InvalidLoadPlan } from './errors.js';
import { readLoadResult, startLoad } from './index.js';
import { readSessionsFile } from './sessions.js';
import { parseSessionsJsonl, toSessionsJsonl } from './sessionsJsonl.js';

const FIXTURE = fileURLToPath(new URL('./__fixtures__/sessions.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'drillbook-jsonl-'));
let target: TargetServer | null = null;
afterAll(async () => target?.close());

describe('JSONL sessions', () => {
  it('reads one request per line, optional fields defaulted, drifted lines in their own mix, blank lines skipped', () => {
    const s = parseSessionsJsonl('{"userId": "u-1", "query": "running shoes", "k": 3, "relevant": ["i-2"]}\n\n{"userId": "u-2"}\r\n{"userId": "u-9", "query": "tent", "mix": "drifted"}\n', 'mine.jsonl');
    expect(s.training).toEqual([
      { userId: 'u-1', query: 'running shoes', groundTruth: ['i-2'], category: '', segment: '', k: 3 },
      { userId: 'u-2', query: '', groundTruth: [], category: '', segment: '' },
    ]);
    expect(s.drifted).toEqual([{ userId: 'u-9', query: 'tent', groundTruth: [], category: '', segment: '' }]);
  });

  it.each([
    ['{"userId": "u-1"}\n{"userId": 7}\n', 'mine.jsonl:2: userId: expected a non-empty string, got number 7'],
    ['{"userId": "u-1"}\n\n{"userId": "u-2", "relevant": "i-1"}\n', 'mine.jsonl:3: relevant: expected an array of item ids (non-empty strings), got string "i-1"'],
    ['{"userId": "u-1", "k": 0}\n', 'mine.jsonl:1: k: expected an integer 1..100, got number 0'],
    ['{"userId": "u-1", "k": 2.5}\n', 'mine.jsonl:1: k: expected an integer 1..100, got number 2.5'],
    ['{"userId": "u-1", "mix": "test"}\n', 'mine.jsonl:1: mix: expected "training" or "drifted", got string "test"'],
    ['{"userId": "u-1", "relevent": ["i-1"]}\n', 'mine.jsonl:1: relevent: expected no such field (a line has userId, query, k, relevant, mix)'],
    ['{"userId": "u-1"}\n{"userId": "u-2",\n', 'mine.jsonl:2: (line): expected one JSON object per line'],
    ['["u-1"]\n', 'mine.jsonl:1: (line): expected a JSON object {"userId": ..., "query": ..., "relevant": [...]}, got an array'],
    ['{"query": "x"}\n', 'mine.jsonl:1: userId: expected a non-empty string, got nothing'],
    ['\n\n', 'mine.jsonl: (file): expected at least one request line'],
  ])('%j -> %s', (text, message) => {
    expect(() => parseSessionsJsonl(text, 'mine.jsonl')).toThrow(InvalidLoadPlan);
    expect(() => parseSessionsJsonl(text, 'mine.jsonl')).toThrow(message);
  });

  it('a .jsonl path is read as JSONL wherever a sessions file is read', () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"userId": "u-1"}\n{"userId": ""}\n');
    expect(() => readSessionsFile(file)).toThrow(`${file}:2: userId: expected a non-empty string, got string ""`);
  });

  it('drillbook sessions export --from writes every session as a line that reads back to the same requests', async () => {
    const outFile = join(dir, 'export.jsonl');
    const err = new PassThrough();
    let errText = '';
    err.on('data', (c) => (errText += c));
    expect(await sessionsCli(['export', '--from', FIXTURE, '--out', outFile], { out: new PassThrough(), err })).toBe(0);
    const original = readSessionsFile(FIXTURE);
    expect(errText).toMatch(new RegExp(`wrote ${original.training.length + original.drifted.length} sessions`));
    const lines = readFileSync(outFile, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(original.training.length + original.drifted.length);
    expect(JSON.parse(lines[0])).toEqual({ userId: 'u-1', query: 'running shoes', relevant: ['i-2'] });
    const back = readSessionsFile(outFile);
    const strip = (ts: typeof original.training) => ts.map((t) => [t.userId, t.query, t.groundTruth]);
    expect(strip(back.training)).toEqual(strip(original.training));
    expect(strip(back.drifted)).toEqual(strip(original.drifted));
    expect(toSessionsJsonl(back)).toBe(readFileSync(outFile, 'utf8'));
  });

  it('drillbook sessions refuses an unknown subcommand or option (exit 2)', async () => {
    const io = { out: new PassThrough(), err: new PassThrough() };
    expect(await sessionsCli(['import'], io)).toBe(2);
    expect(await sessionsCli(['export', '--format', 'csv'], io)).toBe(2);
  });

  it('a drill from JSONL without ground truth sends each line its own k and scores quality no-data, not failed', async () => {
    target = await startTarget();
    const file = join(dir, 'mine.jsonl');
    writeFileSync(file, '{"userId": "u-1", "query": "a", "k": 3}\n{"userId": "u-2", "query": "b"}\n');
    const outcome = await startLoad(
      { baseUrl: target.url, phases: [{ phase: 'baseline', durationS: 0.5, rate: 10, mix: 'training' }, { phase: 'fault', durationS: 0.5, rate: 10, mix: 'training' }], k: 7, timeoutMs: 2000, sessions: file, outDir: join(dir, 'load') },
      { engine: 'builtin' },
    ).done;
    expect(outcome.status).toBe('completed');
    const ks = target.received.filter((r) => r.method === 'POST').map((r) => [(r.body as { userId: string }).userId, (r.body as { k: number }).k]);
    expect(ks).toContainEqual(['u-1', 3]);
    expect(ks).toContainEqual(['u-2', 7]);
    const load = await readLoadResult(outcome.summaryFile, outcome.pointsFile);
    expect(load.phases.every((p) => p.scored === 0 && p.ndcg10 === null)).toBe(true);
    const sc = computeScorecard({ journal: fakeJournal(), load, outcome, runbook: fakeRunbook([{ name: 'quality holds', sli: 'ndcg_ratio', op: '>=', target: 0.9 }]), slo: { name: 'a', objective: 0.999, periodDays: 30 } });
    expect(sc.objectives[0]).toMatchObject({ verdict: 'no-data', measured: null });
  });
});
