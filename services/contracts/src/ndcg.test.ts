import { describe, expect, it } from 'vitest';
import { NDCG_K, ndcgAtK } from './ndcg.js';

const d = (i: number) => 1 / Math.log2(i + 2);

describe('ndcgAtK (the one NDCG every part of Drillbook uses)', () => {
  it('is null, not 0, without ground truth: no data rather than a bad ranking', () => {
    expect(ndcgAtK(['a', 'b'], [])).toBeNull();
    expect(ndcgAtK(['a', 'b'], new Set<string>())).toBeNull();
    expect(ndcgAtK([], [])).toBeNull();
  });

  it('is 0 when ground truth exists and nothing relevant is served', () => {
    expect(ndcgAtK(['x', 'y', 'z'], ['a'])).toBe(0);
    expect(ndcgAtK([], ['a'])).toBe(0);
  });

  it('gives 1 for a perfect ranking', () => {
    expect(ndcgAtK(['a', 'b', 'x', 'y'], ['a', 'b'])).toBeCloseTo(1, 12);
    expect(ndcgAtK(['b', 'a'], new Set(['a', 'b']))).toBeCloseTo(1, 12);
  });

  it('scores a reversed ranking below a perfect one, by the discount of the positions used', () => {
    const ranked = ['x', 'y', 'b', 'a'];
    const perfect = ndcgAtK(['a', 'b', 'x', 'y'], ['a', 'b'])!;
    const reversed = ndcgAtK(ranked, ['a', 'b'])!;
    expect(reversed).toBeCloseTo((d(2) + d(3)) / (d(0) + d(1)), 12);
    expect(reversed).toBeLessThan(perfect);
    expect(ndcgAtK(['x', 'a'], ['a'])).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it('counts an item served twice once, at its first position', () => {
    // Counting the duplicate would give (1 + d(1)) / (1 + d(1)) = 1 for a list that only served one relevant item.
    expect(ndcgAtK(['a', 'a'], ['a', 'b'])).toBeCloseTo(1 / (1 + d(1)), 12);
    expect(ndcgAtK(['x', 'a', 'a', 'a'], ['a'])).toBeCloseTo(d(1), 12);
  });

  it('ignores items past the cut-off k and caps the ideal ranking at k', () => {
    const ranked = Array.from({ length: 20 }, (_, i) => `i${i}`);
    expect(ndcgAtK(ranked, ['i15'])).toBe(0);
    expect(ndcgAtK(ranked, ['i15'], 20)).toBeCloseTo(d(15), 12);
    expect(ndcgAtK(['a', 'b', 'c'], ['a', 'b', 'c'], 2)).toBeCloseTo(1, 12);
    const truth = Array.from({ length: 15 }, (_, i) => `i${i}`);
    expect(ndcgAtK(ranked, truth)).toBeCloseTo(1, 12);
    expect(NDCG_K).toBe(10);
  });

  it('scores numeric item indices (the offline evaluation) by the same rules', () => {
    expect(ndcgAtK(Int32Array.from([1, 5, 2]), new Set([5]))).toBeCloseTo(d(1), 12);
    expect(ndcgAtK([5, 5, 2], new Set([5, 2]))).toBeCloseTo((1 + d(2)) / (1 + d(1)), 12);
  });

  it('refuses a cut-off that is not a positive integer', () => {
    expect(() => ndcgAtK(['a'], ['a'], 0)).toThrow(/positive integer/);
    expect(() => ndcgAtK(['a'], ['a'], 2.5)).toThrow(/positive integer/);
  });
});
