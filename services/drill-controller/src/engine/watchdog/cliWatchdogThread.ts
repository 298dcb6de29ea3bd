/** The CLI watchdog's thread (see cliWatchdog.ts). Writes with fs.writeSync: the main thread may be stalled. */
import { readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { DrillJournal } from '@drillbook/contracts';
import { parseRunbook } from '../../runbook/validate.js';
import { computeScorecard, type SloReference } from '../../scorecard/compute.js';
import { writeOutputs } from '../../report/outputs.js';
import { journalOnlyTarget, undoDrill, type UndoTarget } from '../undo.js';
import { httpTargetApi } from '../targetApi.js';
import { AbortWatchdog } from './AbortWatchdog.js';

export interface CliWatchdogInput {
  runbook: { file: string; source: string };
  outDir: string;
  quick: boolean;
  slo: SloReference;
  maxDurationMs: number;
  maxDurationLabel: string;
}

export type ToCliWatchdog =
  | { type: 'heartbeat' }
  | { type: 'method' }
  | { type: 'method-ended' }
  | { type: 'abort'; source: string; reason: string }
  | { type: 'target'; target: WatchedTarget };

/** What the thread needs to clear faults: plain data, rebuilt into an admin API on its side. */
export interface WatchedTarget {
  gatewayUrl: string;
  adminToken: string;
  replicas: Array<{ id: string; url: string }>;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const input = workerData as CliWatchdogInput;
  let target: UndoTarget | null = null;
  const say = (line: string) => writeSync(2, `\n[watchdog] ${line}\n`);

  const kill = async (why: { source: string; reason: string; stalledForMs: number }) => {
    say(`the drill engine has not turned its event loop for ${Math.round(why.stalledForMs / 1000)}s since the abort (${why.source}: ${why.reason}): clearing its faults and ending it`);
    const at = new Date().toISOString();
    let journal: DrillJournal | null = null;
    try {
      journal = JSON.parse(readFileSync(join(input.outDir, 'journal.json'), 'utf8')) as DrillJournal;
    } catch (e) {
      say(`no journal to undo from (${(e as Error).message}): injected faults expire by their TTL`);
    }
    if (journal) {
      {
        try {
          // Before preflight handed over the target, faults carrying their provider are still undone from the journal.
          const r = await undoDrill(journal, target ?? journalOnlyTarget(), 'abort', (f, patch) => Object.assign(f, patch), { providersOnly: !target });
          say(`cleared ${r.cleared.length} fault(s)${r.unreachable.length ? `, ${r.unreachable.length} unreachable (they expire by their TTL)` : ''}`);
        } catch (e) {
          say(`undo failed: ${(e as Error).message}; faults expire by their TTL`);
        }
      }
      journal.status = 'aborted';
      journal.endedAt = at;
      journal.abort ??= { source: why.source as NonNullable<DrillJournal['abort']>['source'], reason: `${why.reason} (the load loop was stalled: ended by the watchdog)`, at };
      try {
        const file = join(input.outDir, 'journal.json');
        writeFileSync(`${file}.watchdog.tmp`, JSON.stringify(journal, null, 2));
        renameSync(`${file}.watchdog.tmp`, file);
      } catch (e) {
        say(`could not write the journal: ${(e as Error).message}`);
      }
      try {
        const rb = parseRunbook(input.runbook.source, input.runbook.file);
        const sc = computeScorecard({ journal, load: null, runbook: rb, outcome: null, slo: input.slo, quick: input.quick });
        const files = writeOutputs(input.outDir, sc, journal, rb);
        say(`drill ${sc.status}: ${sc.statusReason}; outputs in ${input.outDir} (report ${files.report})`);
      } catch (e) {
        say(`could not write the outputs: ${(e as Error).message}`);
      }
    }
    process.kill(process.pid, 'SIGKILL'); // exit 137: the main thread cannot be asked to exit
  };

  const dog = new AbortWatchdog({
    abort: (_source, reason) => port.postMessage({ type: 'abort', reason }),
    kill: (why) => void kill(why),
  });
  port.on('message', (m: ToCliWatchdog) => {
    if (m.type === 'heartbeat') dog.heartbeat();
    else if (m.type === 'target') target = { replicas: m.target.replicas, api: httpTargetApi(m.target.gatewayUrl, m.target.adminToken) };
    else if (m.type === 'method') dog.methodStarted(input.maxDurationMs, input.maxDurationLabel);
    else if (m.type === 'method-ended') dog.methodEnded();
    else if (m.type === 'abort') dog.aborting(m.source, m.reason);
  });
}
