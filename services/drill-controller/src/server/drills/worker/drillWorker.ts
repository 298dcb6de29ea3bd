/**
 * A drill's worker thread: runs the engine on a target whose process control and registry calls go
 * back to the API thread, and streams events and journal snapshots to it as they happen.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Drill } from '../../../engine/executor.js';
import type { DrillTarget } from '../../../engine/target.js';
import { httpTargetApi } from '../../../engine/targetApi.js';
import { parseRunbook } from '../../../runbook/validate.js';
import { HEARTBEAT_MS } from '../../../engine/watchdog/AbortWatchdog.js';
import type { FromWorker, TargetSnapshot, ToWorker, WorkerInput } from './protocol.js';

const port = parentPort!;
const input = workerData as WorkerInput;
const post = (m: FromWorker) => port.postMessage(m);

let snapshot: TargetSnapshot = input.target.snapshot;
let nextCall = 1;
const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
const call = <T>(method: 'act' | 'publish', args: unknown[]) =>
  new Promise<T>((resolve, reject) => {
    const id = nextCall++;
    calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
    post({ type: 'call', id, method, args });
  });

const t = input.target;
const target: DrillTarget = {
  service: t.service,
  gatewayUrl: t.gatewayUrl,
  embedded: t.embedded,
  adminToken: t.adminToken,
  sessionsFile: t.sessionsFile,
  prometheusUrl: t.prometheusUrl,
  replicas: () => snapshot.replicas,
  api: httpTargetApi(t.gatewayUrl, t.adminToken),
  process: t.hasProcess
    ? {
        act: (replica, action) => call<void>('act', [replica, action]),
        pid: (replica) => snapshot.pids[replica] ?? null,
        phase: (replica) => snapshot.phases[replica] ?? 'unknown',
      }
    : undefined,
  publish: t.hasPublish ? (i) => call('publish', [i]) : undefined,
  close: async () => {},
};

const loaded = { runbook: parseRunbook(input.runbook.source, input.runbook.file), ...input.runbook };
const drill = new Drill(loaded, {
  ...input.options,
  target,
  keepTarget: true,
  persist: (journal) => post({ type: 'journal', journal }),
  observers: [(event) => post({ type: 'event', event })],
  ack: async (prompt) => {
    post({ type: 'ack', prompt });
    return true;
  },
  log: (line) => post({ type: 'log', line }),
});

port.on('message', (m: ToWorker) => {
  if (m.type === 'abort') drill.abort(m.source, m.reason);
  else if (m.type === 'target') snapshot = m.snapshot;
  else if (m.type === 'reply') {
    const c = calls.get(m.id);
    calls.delete(m.id);
    if (m.ok) c?.resolve(m.value);
    else c?.reject(new Error(m.error));
  }
});

// Liveness for the API thread's watchdog: stops when this thread's event loop stops turning.
const beat = setInterval(() => post({ type: 'heartbeat' }), HEARTBEAT_MS);
const result = await drill.run();
clearInterval(beat);
post({ type: 'done', scorecard: result.scorecard, journal: result.journal });
port.close();
