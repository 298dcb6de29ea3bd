import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestRegistry, type TestRegistry } from '../testing/fixtures.js';
import { OnnxScorer, PooledScorer, ThreadedScorer, type ScoreRequest } from './session.js';

let reg: TestRegistry;
beforeAll(async () => {
  reg = await buildTestRegistry();
}, 120_000);
afterAll(() => reg?.cleanup());

const batch: ScoreRequest[] = [
  { userRow: 1, query: 'running shoes' },
  { userRow: 0, query: 'red kettle' },
  { userRow: 17 },
  { userRow: 300, query: 'wireless headphones for travel' },
];

describe('the onnxruntime session in a worker thread', () => {
  it('ranks exactly as the in-process session does', async () => {
    const model = reg.registry.load('v1');
    const local = await OnnxScorer.create(model.modelBytes, model.manifest.shape);
    const threaded = await ThreadedScorer.create(model.modelBytes, model.manifest.shape);
    try {
      const [a, b] = await Promise.all([local.score(batch, 10), threaded.score(batch, 10)]);
      expect(b).toEqual(a);
      expect(b).toHaveLength(4);
      expect(b[0].indices).toHaveLength(10);
      // Several batches in flight at once come back to their own callers.
      const many = await Promise.all([1, 2, 3].map((k) => threaded.score(batch.slice(0, k), 5)));
      expect(many.map((r) => r.length)).toEqual([1, 2, 3]);
      expect(many[2]).toEqual((await local.score(batch.slice(0, 3), 5)));
    } finally {
      await local.release();
      await threaded.release();
    }
  });

  it('ranks the same with onnxruntime thread-pool spinning off (what a replica runs)', async () => {
    const model = reg.registry.load('v1');
    const spinning = await OnnxScorer.create(model.modelBytes, model.manifest.shape, { intraOpThreads: 2 });
    const quiet = await ThreadedScorer.create(model.modelBytes, model.manifest.shape, { intraOpThreads: 2, spin: false });
    try {
      expect(await quiet.score(batch, 10)).toEqual(await spinning.score(batch, 10));
    } finally {
      await spinning.release();
      await quiet.release();
    }
  });

  it('ranks the same from a pool of two workers (ORT_WORKERS=2), six batches in flight at once', async () => {
    const model = reg.registry.load('v1');
    const local = await OnnxScorer.create(model.modelBytes, model.manifest.shape);
    const pool = await PooledScorer.create(model.modelBytes, model.manifest.shape, { workers: 2, spin: false });
    try {
      expect(pool).toBeInstanceOf(PooledScorer);
      expect(pool.shape).toEqual(model.manifest.shape);
      const sizes = [4, 1, 3, 2, 4, 1];
      const got = await Promise.all(sizes.map((n) => pool.score(batch.slice(0, n), 7)));
      for (const [i, n] of sizes.entries()) expect(got[i]).toEqual(await local.score(batch.slice(0, n), 7));
    } finally {
      await local.release();
      await pool.release();
    }
    await expect(pool.score(batch, 5)).rejects.toThrow(/model released/);
    await expect(PooledScorer.create(new Uint8Array([1, 2, 3, 4]), model.manifest.shape, { workers: 2 })).rejects.toThrow(/could not create the onnxruntime session/);
  });

  it('refuses bytes that are not a model, and answers nothing once released', async () => {
    const model = reg.registry.load('v1');
    await expect(ThreadedScorer.create(new Uint8Array([1, 2, 3, 4]), model.manifest.shape)).rejects.toThrow(/could not create the onnxruntime session/);
    const threaded = await ThreadedScorer.create(model.modelBytes, model.manifest.shape);
    await threaded.release();
    await expect(threaded.score(batch, 10)).rejects.toThrow(/model released/);
  });
});
