/**
 * The OIP path matcher and the reference recommender's inference-request reader: every refused
 * request names its field, and no malformed body makes the reader throw anything else.
 */
import { describe, expect, it } from 'vitest';
import { OIP_ROUTE, OipRequestError, matchOipPath, oipModelPath, parseRecsysInferRequest, recsysInferResponse } from './oip.js';

const valid = () => ({
  id: 'r-1',
  parameters: { priority: 1 },
  inputs: [
    { name: 'user_id', datatype: 'BYTES', shape: [1], data: ['u-1'] },
    { name: 'query', datatype: 'BYTES', shape: [1], data: ['tent'] },
    { name: 'k', datatype: 'INT32', shape: [1], data: [5] },
  ],
  outputs: [{ name: 'item_ids' }],
});

describe('matchOipPath', () => {
  it.each([
    ['/v2', 'server', OIP_ROUTE.server, 'GET', undefined, undefined],
    ['/v2/health/live', 'live', OIP_ROUTE.live, 'GET', undefined, undefined],
    ['/v2/health/ready', 'ready', OIP_ROUTE.ready, 'GET', undefined, undefined],
    ['/v2/models/m', 'model', OIP_ROUTE.model, 'GET', 'm', undefined],
    ['/v2/models/m/versions/3', 'model', OIP_ROUTE.modelVersion, 'GET', 'm', '3'],
    ['/v2/models/m/ready', 'modelReady', OIP_ROUTE.modelReady, 'GET', 'm', undefined],
    ['/v2/models/m/versions/v1/ready', 'modelReady', OIP_ROUTE.modelVersionReady, 'GET', 'm', 'v1'],
    ['/v2/models/recsys-two-tower/infer', 'infer', OIP_ROUTE.infer, 'POST', 'recsys-two-tower', undefined],
    ['/v2/models/m/versions/v1/infer', 'infer', OIP_ROUTE.inferVersion, 'POST', 'm', 'v1'],
  ])('%s is %s', (path, endpoint, route, method, model, version) => {
    expect(matchOipPath(path)).toEqual({ endpoint, route, method, model, version });
  });

  it.each(['/v2/models', '/v2/models/', '/v2/models/m/explain', '/v2/models/m/versions', '/v2/models/../x/infer', '/v2/repository/index', '/v1/models/m'])('%s is not a protocol path', (path) => {
    expect(matchOipPath(path)).toBeNull();
  });

  it('builds the paths it matches', () => {
    expect(matchOipPath(oipModelPath('m', 'v1', 'infer'))).toMatchObject({ endpoint: 'infer', model: 'm', version: 'v1' });
    expect(oipModelPath('m', undefined)).toBe('/v2/models/m');
  });
});

describe('parseRecsysInferRequest', () => {
  it('reads the tensors, the id, the parameters and the outputs asked for', () => {
    expect(parseRecsysInferRequest(valid())).toEqual({
      id: 'r-1',
      parameters: { priority: 1 },
      userId: 'u-1',
      query: 'tent',
      k: 5,
      inputIndex: { user_id: 0, query: 1, k: 2 },
      outputs: ['item_ids'],
    });
  });

  it('refuses an input tensor with a nested object in its data, naming it', () => {
    const body = valid();
    (body.inputs[2] as { data: unknown[] }).data = [{ k: 5 }];
    expect(() => parseRecsysInferRequest(body)).toThrow('inputs[2].data: expected an INT32 integer for k, got an object');
  });

  it('refuses data nested deeper than its shape, however deep, with a located error (no stack overflow)', () => {
    const body = valid();
    const d = 10_000;
    (body.inputs[2] as { data: unknown[] }).data = JSON.parse('['.repeat(d) + '5' + ']'.repeat(d));
    expect(() => parseRecsysInferRequest(body)).toThrow('inputs[2].data: nested deeper than its shape (1 dimension)');
    (body.inputs[2] as { data: unknown[]; shape: number[] }).shape = [1, 1];
    (body.inputs[2] as { data: unknown[] }).data = [[5]];
    expect(parseRecsysInferRequest(body).k).toBe(5);
  });

  it('never throws anything but a located OipRequestError on mutated bodies (seeded fuzz)', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const junk = [null, 0, -1, 1.5, 2 ** 40, '', 'x', true, [], [[]], {}, { name: 'k' }, ['u-1', 'u-2'], [[1], [2]], undefined];
    const pick = <T>(xs: T[]): T => structuredClone(xs[Math.floor(rand() * xs.length)]);
    let refused = 0;
    for (let n = 0; n < 3000; n++) {
      const body = valid() as any;
      for (let m = 0; m < 1 + Math.floor(rand() * 3); m++) {
        const target = pick(['top', 'input', 'output']);
        if (target === 'top') body[pick(['id', 'parameters', 'inputs', 'outputs', 'extra'])] = pick(junk);
        else if (target === 'input' && Array.isArray(body.inputs) && body.inputs.length > 0) {
          const i = Math.floor(rand() * body.inputs.length);
          if (body.inputs[i] && typeof body.inputs[i] === 'object') body.inputs[i][pick(['name', 'datatype', 'shape', 'data', 'parameters', 'extra'])] = pick(junk);
          else body.inputs[i] = pick(junk);
        } else if (Array.isArray(body.outputs)) body.outputs.push(pick(junk));
      }
      try {
        parseRecsysInferRequest(body);
      } catch (e) {
        expect(e).toBeInstanceOf(OipRequestError);
        expect((e as OipRequestError).message).toMatch(/^(body|id|parameters|inputs|outputs|extra)(\[\d+\])?(\.[a-z_]+)*: /);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(2000);
  });
});

describe('recsysInferResponse', () => {
  it('writes every output by default and only those asked for, in their order, otherwise', () => {
    const answer = { itemIds: ['i-1', 'i-2'], scores: [0.9, 0.5], degraded: false, degradedReason: '' };
    const all = recsysInferResponse(answer, { model: 'm', version: 'v1', id: 'x' });
    expect(all).toMatchObject({ model_name: 'm', model_version: 'v1', id: 'x' });
    expect(all.outputs.map((o) => [o.name, o.shape])).toEqual([
      ['item_ids', [2]],
      ['scores', [2]],
      ['degraded', [1]],
      ['degraded_reason', [1]],
    ]);
    const some = recsysInferResponse(answer, { model: 'm', version: null, outputs: ['degraded', 'item_ids'] });
    expect(some.model_version).toBeUndefined();
    expect(some.outputs.map((o) => o.name)).toEqual(['degraded', 'item_ids']);
  });
});
