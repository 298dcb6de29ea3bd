import { describe, expect, it } from 'vitest';
import { getDrillbookServiceId, isDrillbookAvailable, isRecommenderService } from './constants';
import { makeEntity } from './__fixtures__/entities';

describe('drillbook annotation', () => {
  it('reads the service id from the drillbook.dev/service-id annotation', () => {
    expect(getDrillbookServiceId(makeEntity({ serviceId: 'recsys-reference' }))).toBe('recsys-reference');
  });

  it('treats a missing or blank annotation as absent', () => {
    expect(getDrillbookServiceId(makeEntity({}))).toBeUndefined();
    expect(isDrillbookAvailable(makeEntity({ serviceId: '   ' }))).toBe(false);
  });

  it('counts recommender-service components and annotated entities as recommender services', () => {
    expect(isRecommenderService(makeEntity({ type: 'recommender-service' }))).toBe(true);
    expect(isRecommenderService(makeEntity({ type: 'website', serviceId: 'search' }))).toBe(true);
    expect(isRecommenderService(makeEntity({ type: 'website' }))).toBe(false);
  });
});
