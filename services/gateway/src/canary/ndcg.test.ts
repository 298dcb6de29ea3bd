import { describe, expect, it } from 'vitest';
import { parseGroundTruth } from './ndcg.js';

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
