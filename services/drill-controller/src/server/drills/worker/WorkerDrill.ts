/**
 * The API thread's handle on a drill running in a worker thread: relays its events and journal,
 * answers its process-control and registry calls on the real target, keeps its view of the
 * target's replicas current, and forwards aborts. If the worker dies, `run()` rejects with the
 * last journal it sent, so the caller can undo what the drill did.
 */
import { Worker } from 'node:worker_threads';
import type { DrillEvent, DrillJournal, Scorecard } from '@drillbook/contracts';
import type { AbortSource } from '../../../engine/executor.js';
import { AbortWatchdog } from '../../../engine/watchdog/AbortWatchdog.js';
import type { DrillTarget } from '../../../engine/target.js';
import type { StackAction } from '@drillbook/stack';
import type { FromWorker, TargetSnapshot, ToWorker, WorkerInput } from './protocol.js';

const BOOT = new URL('./boot.mjs', import.meta.url);
const SNAPSHOT_MS = 50;

export class WorkerFailed extends Error {
  constructor(
    message: string,
    readonly journal: DrillJournal | null,
    /** The abort the engine never acted on (the watchdog terminated it). */
    readonly abort?: { source: AbortSource; reason: string },
  ) {
    super(message);
  }
}

export interface WorkerDrillHooks {
  onEvent(e: DrillEvent): void;
  onJournal(j: DrillJournal): void;
  onAck(prompt: string): void;
  log(line: string): void;
}

function snapshotOf(t: DrillTarget): TargetSnapshot {
  const replicas = t.replicas();
  const pids: Record<string, number | null> = {};
  const phases: Record<string, string> = {};
  if (t.process) for (const r of replicas) (pids[r.id] = t.process.pid(r.id)), (phases[r.id] = t.process.phase(r.id));
  return { replicas, pids, phases };
}

export class WorkerDrill {
  private worker: Worker | null = null;
  private lastJournal: DrillJournal | null = null;
  private killed: { source: AbortSource; reason: string; stalledForMs: number } | null = null;
  private firstAbort: { source: AbortSource; reason: string } | null = null;
  private readonly watchdog: AbortWatchdog;

  constructor(
    private readonly input: Omit<WorkerInput, 'target'>,
    private readonly target: DrillTarget,
    private readonly hooks: WorkerDrillHooks,
    /** The runbook's maxDuration, enforced by the watchdog too (the engine's own timer may be stalled). */
    private readonly guard?: { maxDurationMs: number; label: string },
  ) {
    this.watchdog = new AbortWatchdog({
      abort: (source, reason) => this.abort(source, reason),
      kill: (why) => {
        this.killed = { ...why, source: why.source as AbortSource };
        this.hooks.log(`watchdog: the drill engine has not turned its event loop for ${Math.round(why.stalledForMs / 1000)}s since the abort (${why.source}): terminating its worker thread`);
        void this.worker?.terminate();
      },
    });
  }

  private pendingAbort: ToWorker | null = null;

  /** Forwarded to the engine's one abort path; held until the worker exists. The watchdog then makes sure it happens. */
  abort(source: AbortSource, reason: string): void {
    const m: ToWorker = { type: 'abort', source, reason };
    this.firstAbort ??= { source, reason };
    if (this.worker) {
      this.send(m);
      this.watchdog.aborting(source, reason);
    } else this.pendingAbort ??= m;
  }

  private send(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  run(): Promise<{ scorecard: Scorecard; journal: DrillJournal }> {
    const t = this.target;
    let last = snapshotOf(t);
    const input: WorkerInput = {
      ...this.input,
      target: { service: t.service, gatewayUrl: t.gatewayUrl, embedded: t.embedded, adminToken: t.adminToken, sessionsFile: t.sessionsFile, prometheusUrl: t.prometheusUrl, hasProcess: !!t.process, hasPublish: !!t.publish, snapshot: last },
    };
    const worker = new Worker(BOOT, { workerData: input });
    this.worker = worker;
    // Messages posted now wait in the port until the worker listens.
    this.watchdog.heartbeat();
    if (this.pendingAbort) {
      this.send(this.pendingAbort);
      if (this.pendingAbort.type === 'abort') this.watchdog.aborting(this.pendingAbort.source, this.pendingAbort.reason);
    }
    // The worker reads pid/phase synchronously: keep its copy current while the drill runs.
    const push = () => {
      const s = snapshotOf(t);
      if (JSON.stringify(s) !== JSON.stringify(last)) {
        last = s;
        this.send({ type: 'target', snapshot: s });
      }
    };
    const timer = setInterval(push, SNAPSHOT_MS);
    return new Promise((resolve, reject) => {
      let done: { scorecard: Scorecard; journal: DrillJournal } | null = null;
      worker.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'heartbeat':
            return this.watchdog.heartbeat();
          case 'event':
            // maxDuration covers the method phase, as the engine's own timer does.
            if (this.guard && m.event.type === 'phase' && !m.event.data) {
              if (m.event.phase === 'method') this.watchdog.methodStarted(this.guard.maxDurationMs, this.guard.label);
              else this.watchdog.methodEnded();
            }
            return this.hooks.onEvent(m.event);
          case 'journal':
            this.lastJournal = m.journal;
            return this.hooks.onJournal(m.journal);
          case 'log':
            return this.hooks.log(m.line);
          case 'ack':
            return this.hooks.onAck(m.prompt);
          case 'done':
            // Everything is written by now; idle keep-alive sockets must not hold the drill's end back.
            done = { scorecard: m.scorecard, journal: m.journal };
            clearInterval(timer);
            this.watchdog.stop();
            resolve(done);
            void worker.terminate();
            return;
          case 'call':
            void this.answer(m.id, m.method, m.args, push);
        }
      });
      worker.once('error', (e) => this.hooks.log(`drill worker error: ${e.stack ?? e.message}`));
      worker.once('exit', (code) => {
        clearInterval(timer);
        this.watchdog.stop();
        this.worker = null;
        if (done) return;
        const k = this.killed;
        if (k) reject(new WorkerFailed(`the drill engine did not act on the abort (${k.source}: ${k.reason}) and its load loop was stalled for ${Math.round(k.stalledForMs / 1000)}s: the watchdog terminated it`, this.lastJournal, { source: k.source, reason: k.reason }));
        else reject(new WorkerFailed(`the drill's worker thread exited (code ${code}) before the drill ended`, this.lastJournal, this.firstAbort ?? undefined));
      });
    });
  }

  private async answer(id: number, method: 'act' | 'publish', args: unknown[], push: () => void): Promise<void> {
    try {
      let value: unknown;
      if (method === 'act') {
        if (!this.target.process) throw new Error('this target offers no process control');
        await this.target.process.act(args[0] as string, args[1] as StackAction);
        value = null;
      } else {
        if (!this.target.publish) throw new Error('this target has no registry to publish into');
        value = await this.target.publish(args[0] as Parameters<NonNullable<DrillTarget['publish']>>[0]);
      }
      push(); // the worker sees the new pid/phase before the call returns
      this.send({ type: 'reply', id, ok: true, value });
    } catch (e) {
      push();
      this.send({ type: 'reply', id, ok: false, error: (e as Error).message });
    }
  }
}
