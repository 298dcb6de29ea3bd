import { describe, expect, it } from 'vitest';
import { ndcgAtK, parseGroundTruth } from './ndcg.js';

describe('ndcgAtK', () => {
  it('scores a ranking with every relevant item on top as 1', () => {
    expect(ndcgAtK(['a', 'b', 'x', 'y'], new Set(['a', 'b']))).toBe(1);
  });

  it('scores a ranking without relevant items in the top ten as 0', () => {
    const ranked = Array.from({ length: 10 }, (_, i) => `x${i}`).concat(['a']);
    expect(ndcgAtK(ranked, new Set(['a']))).toBe(0);
  });

  it('discounts a relevant item by its position', () => {
    // One relevant item at rank 3: DCG = 1/log2(4) = 0.5, IDCG = 1.
    expect(ndcgAtK(['x', 'y', 'a'], new Set(['a']))).toBeCloseTo(0.5, 10);
  });

  it('normalises by the ideal ranking of all relevant items, capped at ten', () => {
    const relevant = new Set(['a', 'b', 'c']);
    const dcg = 1 + 1 / Math.log2(3);
    const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
    expect(ndcgAtK(['a', 'b', 'x'], relevant)).toBeCloseTo(dcg / ideal, 10);
  });

  it('does not count a duplicated item twice', () => {
    expect(ndcgAtK(['a', 'a'], new Set(['a', 'b']))).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 10);
  });
});

describe('parseGroundTruth', () => {
  it('reads comma-separated item ids and trims them', () => {
    expect(parseGroundTruth(' i-1, i-2 ,i-3')).toEqual(new Set(['i-1', 'i-2', 'i-3']));
  });

  it('reads a JSON array of ids', () => {
    expect(parseGroundTruth('["i-1","i-2"]')).toEqual(new Set(['i-1', 'i-2']));
  });

  it('treats an absent, empty or unreadable header as no ground truth', () => {
    expect(parseGroundTruth(undefined)).toBeNull();
    expect(parseGroundTruth('  ')).toBeNull();
    expect(parseGroundTruth('[not json')).toBeNull();
    expect(parseGroundTruth(',,')).toBeNull();
  });
});
