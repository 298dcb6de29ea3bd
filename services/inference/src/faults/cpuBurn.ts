/**
 * Accelerator saturation on a CPU-only replica: busy-loop worker threads that compete with the
 * inference engine for cores until stopped.
 */
import { Worker } from 'node:worker_threads';

const BURN = `
const { parentPort } = require('node:worker_threads');
let stop = false;
parentPort.on('message', () => { stop = true; });
function spin() {
  const end = Date.now() + 50;
  let x = 0;
  while (Date.now() < end) x = Math.sqrt(x + Math.random());
  if (!stop) setImmediate(spin); else process.exit(0);
}
spin();
`;

export class CpuBurner {
  private workers: Worker[] = [];

  start(threads: number): void {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(BURN, { eval: true });
      w.unref();
      this.workers.push(w);
    }
  }

  get running(): number {
    return this.workers.length;
  }

  async stop(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
