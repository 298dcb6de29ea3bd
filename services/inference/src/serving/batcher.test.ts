import { describe, expect, it } from 'vitest';
import { MicroBatcher, QueueFull } from './batcher.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder(runMs = 5, maxDelayMs = 20) {
  const batches: number[][] = [];
  const b = new MicroBatcher<number, number>({
    maxBatch: 4,
    maxDelayMs,
    maxQueue: 10,
    run: async (xs) => {
      batches.push(xs);
      await sleep(runMs);
      return xs.map((x) => x * 10);
    },
  });
  return { b, batches };
}

describe('micro-batcher', () => {
  it('runs a full batch at once without waiting for the delay', async () => {
    const { b, batches } = recorder(5, 60_000); // waiting for the delay would take a minute
    const out = await Promise.all([1, 2, 3, 4].map((x) => b.submit(x)));
    expect(out.map((o) => o.result)).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(out[0].timing.batchStart - out[0].timing.enqueuedAt).toBeLessThan(60_000);
  });

  it('runs a partial batch once the oldest request has waited the maximum queue delay', async () => {
    const { b, batches } = recorder();
    const r = await b.submit(7);
    expect(batches).toEqual([[7]]);
    expect(r.timing.batchStart - r.timing.enqueuedAt).toBeGreaterThanOrEqual(19);
  });

  it('collects requests that arrive while a batch runs into the next batch', async () => {
    const { b, batches } = recorder(30);
    const all = [1, 2, 3, 4].map((x) => b.submit(x));
    await sleep(5);
    all.push(b.submit(5), b.submit(6));
    await Promise.all(all);
    expect(batches).toEqual([[1, 2, 3, 4], [5, 6]]);
  });

  it('refuses new requests once the queue is full instead of queueing them into a timeout', async () => {
    const { b } = recorder(50);
    const inFlight = [1, 2, 3, 4].map((x) => b.submit(x));
    const queued = Array.from({ length: 10 }, (_, i) => b.submit(i));
    await expect(b.submit(99)).rejects.toBeInstanceOf(QueueFull);
    await Promise.all([...inFlight, ...queued]);
  });

  it('rejects every request of a batch whose run fails', async () => {
    const b = new MicroBatcher<number, number>({ maxBatch: 2, maxDelayMs: 1, maxQueue: 4, run: async () => Promise.reject(new Error('onnx exploded')) });
    await expect(Promise.all([b.submit(1), b.submit(2)])).rejects.toThrow('onnx exploded');
  });
});
