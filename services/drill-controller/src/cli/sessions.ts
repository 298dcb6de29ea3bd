/**
 * `drillbook sessions export [--out FILE] [--from FILE]`: writes held-out load sessions as JSON
 * Lines (load/sessionsJsonl.ts), by default the reference world's (the embedded stack's model cache;
 * built once when missing), so a team can see the format, edit it, or replay the reference traffic
 * against its own service. `--from` converts any sessions file (JSON or JSONL). Without `--out` the
 * lines go to stdout. The file is written whole or not at all (temporary file + rename).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_STACK_MODEL, ensureStackModel } from '@drillbook/stack';
import { LoadError } from '../load/errors.js';
import { readSessionsFile } from '../load/sessions.js';
import { toSessionsJsonl } from '../load/sessionsJsonl.js';
import { repoRoot } from '../load/repo.js';

export const SESSIONS_USAGE = `usage: drillbook sessions export [--out FILE] [--from FILE] [--model-cache DIR]
  writes load sessions as JSON Lines, one request per line:
    {"userId": "u-1", "query": "running shoes", "k": 10, "relevant": ["i-2"], "mix": "drifted"}
  (query, k, relevant and mix optional); default: the reference world's held-out sessions`;

export async function sessionsCli(args: string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help' || sub === 'help') {
    io.out.write(`${SESSIONS_USAGE}\n`);
    return 0;
  }
  if (sub !== 'export') {
    io.err.write(`drillbook sessions: ${sub === undefined ? 'name a subcommand' : `unknown subcommand "${sub}"`}\n${SESSIONS_USAGE}\n`);
    return 2;
  }
  let values: { out?: string; from?: string; 'model-cache'?: string };
  try {
    ({ values } = parseArgs({ args: rest, options: { out: { type: 'string' }, from: { type: 'string' }, 'model-cache': { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    io.err.write(`drillbook sessions export: ${(e as Error).message}\n${SESSIONS_USAGE}\n`);
    return 2;
  }
  try {
    let source = values.from && resolve(values.from);
    if (!source) {
      const cache = values['model-cache'] ?? resolve(repoRoot(), '.drillbook', 'model-cache');
      source = (await ensureStackModel(cache, DEFAULT_STACK_MODEL, (m) => io.err.write(`${m}\n`))).sessionsFile;
    }
    const sessions = readSessionsFile(source);
    const text = toSessionsJsonl(sessions);
    const n = sessions.training.length + sessions.drifted.length;
    if (!values.out) {
      io.out.write(text);
    } else {
      const file = resolve(values.out);
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, text);
      renameSync(tmp, file);
      io.err.write(`wrote ${n} sessions (${sessions.training.length} training, ${sessions.drifted.length} drifted) to ${file}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof LoadError) {
      io.err.write(`drillbook sessions export: ${e.message}\n`);
      return 2;
    }
    io.err.write(`drillbook sessions export: ${(e as Error).message}\n`);
    return 1;
  }
}
