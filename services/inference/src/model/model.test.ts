import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestRegistry, type TestRegistry } from '../testing/fixtures.js';
import { generateWorld } from '../world/generator.js';
import { ndcgAtK, recallAtK } from './evaluate.js';
import { queryCategory } from '../world/vocab.js';

describe('synthetic world', () => {
  it('is identical for the same seed and different for another seed', () => {
    const a = generateWorld({ items: 300, users: 50, seed: 3 });
    const b = generateWorld({ items: 300, users: 50, seed: 3 });
    const c = generateWorld({ items: 300, users: 50, seed: 4 });
    expect(a.train.map((s) => s.query + s.purchased)).toEqual(b.train.map((s) => s.query + s.purchased));
    expect(Array.from(a.itemPrice)).toEqual(Array.from(b.itemPrice));
    expect(c.train.map((s) => s.query + s.purchased)).not.toEqual(a.train.map((s) => s.query + s.purchased));
  });

  it('holds out the last session of every user and sizes the catalogue as asked', () => {
    const w = generateWorld({ items: 500, users: 40, sessionsPerUser: 5 });
    expect(w.itemCategory.length).toBe(500);
    expect(w.heldOut).toHaveLength(40);
    expect(w.train).toHaveLength(160);
    expect(new Set(w.heldOut.map((s) => s.user)).size).toBe(40);
  });

  it('refuses a catalogue too small to hold every category', () => {
    expect(() => generateWorld({ items: 10 })).toThrow(/world.items/);
  });

  it('writes queries whose words name the intended category most of the time', () => {
    const w = generateWorld({ items: 500, users: 100 });
    const agree = w.train.filter((s) => queryCategory(s.query) === s.intent).length / w.train.length;
    expect(agree).toBeGreaterThan(0.6);
  });
});

describe('ranking metrics', () => {
  it('gives NDCG 1 for a hit at rank 1 and 1/log2(3) at rank 2', () => {
    expect(ndcgAtK([5, 1, 2], new Set([5]))).toBe(1);
    expect(ndcgAtK([1, 5, 2], new Set([5]))).toBeCloseTo(1 / Math.log2(3));
    expect(ndcgAtK([1, 2, 3], new Set([5]))).toBe(0);
  });
  it('counts recall@k over the relevant set', () => {
    expect(recallAtK([1, 2, 3], new Set([2, 9]), 3)).toBe(0.5);
  });
});

describe('two-tower model', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await buildTestRegistry();
  });
  afterAll(() => reg.cleanup());

  it('beats the popularity baseline on held-out purchases (NDCG@10 and recall@50), measured through onnxruntime', () => {
    const { model, popularity } = reg.build.report;
    expect(model.evaluated).toBeGreaterThan(200);
    expect(model.ndcgAt10).toBeGreaterThan(popularity.ndcgAt10 * 1.3);
    expect(model.recallAt50).toBeGreaterThan(popularity.recallAt50);
  });

  it('publishes a signed manifest with hashes, sizes, shape and the offline metrics', () => {
    const m = reg.build.manifest;
    expect(m.artefacts.model.sha256).toMatch(/^[a-f0-9]{64}$/);
    expect(m.artefacts.model.size).toBeGreaterThan(1000);
    expect(m.signature?.alg).toBe('ed25519');
    expect(m.metrics?.model.ndcgAt10).toBe(reg.build.report.model.ndcgAt10);
    expect(m.shape.items).toBe(2000);
  });

  it('writes load sessions with ground truth for the training mix and a drifted mix', () => {
    const sessions = JSON.parse(readFileSync(reg.build.sessionsFile!, 'utf8'));
    expect(sessions.training.length).toBeGreaterThan(100);
    expect(sessions.training[0]).toMatchObject({ userId: expect.stringMatching(/^u-/), groundTruth: [expect.stringMatching(/^i-/)] });
    const share = (xs: Array<{ segment: string }>, seg: string) => xs.filter((x) => x.segment === seg).length / xs.length;
    expect(share(sessions.drifted, 'explorer')).toBeGreaterThan(share(sessions.training, 'explorer') + 0.1);
  });
});
