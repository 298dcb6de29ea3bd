/**
 * Validation of a `POST /v1/recommend` body, needed only when the gateway answers itself (the
 * fallback): proxied requests are validated by the replica. Same rules and `{error, field}`
 * answers as the replicas.
 */
import type { RecommendRequest } from '@drillbook/contracts';
import { BadRequestError } from '../errors.js';
import { parseJsonObject } from './body.js';

export const MAX_K = 100;

export function parseRecommendRequest(body: Buffer): RecommendRequest {
  const obj = parseJsonObject(body);
  const { userId, query, k } = obj;
  if (typeof userId !== 'string' || userId.length === 0) throw new BadRequestError('userId', 'userId must be a non-empty string');
  if (query !== undefined && typeof query !== 'string') throw new BadRequestError('query', 'query must be a string when given');
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_K) throw new BadRequestError('k', `k must be an integer in 1..${MAX_K}`);
  return query === undefined ? { userId, k } : { userId, query, k };
}
