/**
 * The OIP path matcher and the reference recommender's inference-request reader: every refused
 * request names its field, and no malformed body makes the reader throw anything else.
 */
import { describe, expect, it } from 'vitest';
import { OIP_ROUTE, OipRequestError, RECSYS_OIP_MAX_ROWS, matchOipPath, oipModelPath, parseRecsysInferRequest, recsysInferResponse } from './oip.js';

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
      rows: [{ userId: 'u-1', query: 'tent' }],
      k: 5,
      inputIndex: { user_id: 0, query: 1, k: 2 },
      outputs: ['item_ids'],
    });
  });

  const batch = (users: string[], queries: string[] | null, k = 3) => ({
    inputs: [
      { name: 'user_id', datatype: 'BYTES', shape: [users.length], data: users },
      ...(queries ? [{ name: 'query', datatype: 'BYTES', shape: [queries.length], data: queries }] : []),
      { name: 'k', datatype: 'INT32', shape: [1], data: [k] },
    ],
  });

  it('reads N rows from the batch dimension, flat or nested [N, 1], with or without queries', () => {
    expect(parseRecsysInferRequest(batch(['u-1', 'u-2', 'u-3'], ['tent', 'boots', ''])).rows).toEqual([
      { userId: 'u-1', query: 'tent' },
      { userId: 'u-2', query: 'boots' },
      { userId: 'u-3', query: '' },
    ]);
    const nested = { inputs: [{ name: 'k', datatype: 'INT32', shape: [1], data: [4] }, { name: 'user_id', datatype: 'BYTES', shape: [2, 1], data: [['u-7'], ['u-8']] }] };
    expect(parseRecsysInferRequest(nested)).toMatchObject({ rows: [{ userId: 'u-7' }, { userId: 'u-8' }], k: 4, inputIndex: { k: 0, user_id: 1 } });
  });

  it.each([
    ['a query column of another length', batch(['u-1', 'u-2', 'u-3'], ['a', 'b']), 'inputs[1].shape: expected [3] matching inputs[0] (user_id, 3 rows), got [2]'],
    ['more data than the shape says', { inputs: [{ name: 'user_id', datatype: 'BYTES', shape: [2], data: ['u-1', 'u-2', 'u-3'] }, { name: 'k', datatype: 'INT32', shape: [1], data: [3] }] }, 'inputs[0].data: expected 2 elements for shape [2], got 3'],
    ['zero rows', batch([], null), 'inputs[0].shape: expected at least 1 row, got [0]'],
    ['more rows than the limit', batch(Array.from({ length: RECSYS_OIP_MAX_ROWS + 1 }, (_, i) => `u-${i}`), null), `inputs[0].shape: at most ${RECSYS_OIP_MAX_ROWS} rows per request, got [${RECSYS_OIP_MAX_ROWS + 1}]`],
    ['a second dimension other than 1', { inputs: [{ name: 'user_id', datatype: 'BYTES', shape: [2, 2], data: ['a', 'b', 'c', 'd'] }, { name: 'k', datatype: 'INT32', shape: [1], data: [3] }] }, 'inputs[0].shape: expected [N] or [N, 1] (one user_id per row), got [2, 2]'],
    ['one k per row', { inputs: [{ name: 'user_id', datatype: 'BYTES', shape: [2], data: ['u-1', 'u-2'] }, { name: 'k', datatype: 'INT32', shape: [2], data: [3, 3] }] }, 'inputs[1].shape: expected [1] (one k for every row), got [2]'],
    ['a number among the user ids', { inputs: [{ name: 'user_id', datatype: 'BYTES', shape: [3], data: ['u-1', 'u-2', 7] }, { name: 'k', datatype: 'INT32', shape: [1], data: [3] }] }, 'inputs[0].data[2]: expected a string (BYTES) for user_id, got 7'],
  ])('refuses %s, naming the field', (_name, body, message) => {
    expect(() => parseRecsysInferRequest(body)).toThrow(new OipRequestError(message.slice(0, message.indexOf(': ')), message.slice(message.indexOf(': ') + 2)));
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
        expect((e as OipRequestError).message).toMatch(/^(body|id|parameters|inputs|outputs|extra)(\[\d+\])?(\.[a-z_]+)*(\[\d+\])?: /);
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

  it('answers N rows as [N, k] and [N] tensors, row-major, in the order asked', () => {
    const rows = [
      { itemIds: ['i-1', 'i-2'], scores: [0.9, 0.5], degraded: false, degradedReason: '' },
      { itemIds: ['i-7', 'i-3'], scores: [0.8, 0.1], degraded: true, degradedReason: 'deadline' },
      { itemIds: ['i-4', 'i-5'], scores: [0.7, 0.6], degraded: false, degradedReason: '' },
    ];
    expect(recsysInferResponse(rows, { model: 'm', version: 'v1' }).outputs).toEqual([
      { name: 'item_ids', datatype: 'BYTES', shape: [3, 2], data: ['i-1', 'i-2', 'i-7', 'i-3', 'i-4', 'i-5'] },
      { name: 'scores', datatype: 'FP32', shape: [3, 2], data: [0.9, 0.5, 0.8, 0.1, 0.7, 0.6] },
      { name: 'degraded', datatype: 'BOOL', shape: [3], data: [false, true, false] },
      { name: 'degraded_reason', datatype: 'BYTES', shape: [3], data: ['', 'deadline', ''] },
    ]);
    expect(recsysInferResponse([rows[0]], { model: 'm' }).outputs[0]).toEqual({ name: 'item_ids', datatype: 'BYTES', shape: [2], data: ['i-1', 'i-2'] });
    expect(recsysInferResponse(rows, { model: 'm', outputs: ['degraded'] }).outputs).toEqual([{ name: 'degraded', datatype: 'BOOL', shape: [3], data: [false, true, false] }]);
  });
});
