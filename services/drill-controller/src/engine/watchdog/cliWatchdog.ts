/**
 * The `drillbook run` watchdog: a worker thread with its own timers, outside the load loop of the
 * CLI's main thread. The main thread sends a heartbeat every HEARTBEAT_MS, the target once known,
 * the start of the method phase (maxDuration counts from there) and every abort. When maxDuration
 * (plus slack) passes, or an abort is not acted on, while the main thread's heartbeat has stopped,
 * the thread clears the drill's faults from its last journal (through the replicas' admin API),
 * writes the drill's outputs as `aborted`, prints why on stderr and kills the process (exit 137).
 */
import { Worker } from 'node:worker_threads';
import type { DrillEvent } from '@drillbook/contracts';
import type { DrillTarget } from '../target.js';
import { HEARTBEAT_MS } from './AbortWatchdog.js';
import type { CliWatchdogInput, ToCliWatchdog } from './cliWatchdogThread.js';

const BOOT = new URL('./cliWatchdogBoot.mjs', import.meta.url);

export class CliWatchdog {
  private readonly worker: Worker;
  private readonly beat: NodeJS.Timeout;

  constructor(input: CliWatchdogInput, onAbort: (reason: string) => void) {
    this.worker = new Worker(BOOT, { workerData: input, stdout: false, stderr: false });
    this.worker.unref();
    this.worker.on('message', (m: { type: 'abort'; reason: string }) => {
      if (m.type === 'abort') onAbort(m.reason);
    });
    this.worker.on('error', () => {}); // the watchdog never takes the drill down with it
    this.beat = setInterval(() => this.send({ type: 'heartbeat' }), HEARTBEAT_MS);
    this.beat.unref();
  }

  private send(m: ToCliWatchdog): void {
    this.worker.postMessage(m);
  }

  target(t: DrillTarget): void {
    this.send({ type: 'target', target: { gatewayUrl: t.gatewayUrl, adminToken: t.adminToken, replicas: t.replicas().map((r) => ({ id: r.id, url: r.url })) } });
  }

  /** A drill observer: starts the maxDuration clock with the method phase. */
  observer = (e: DrillEvent): void => {
    if (e.type === 'phase' && !e.data) this.send({ type: e.phase === 'method' ? 'method' : 'method-ended' });
  };

  aborting(source: string, reason: string): void {
    this.send({ type: 'abort', source, reason });
  }

  async stop(): Promise<void> {
    clearInterval(this.beat);
    await this.worker.terminate();
  }
}
