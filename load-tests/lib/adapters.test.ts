/**
 * The protocol adapters (load-tests/lib/adapters.js), as both load engines use them: the request
 * each protocol sends for a session, the answer it reads, every malformed answer as a located
 * AdapterError (never a TypeError), and fuzzed protocol blocks as located ProtocolConfigErrors.
 */
import jsonpointer from 'jsonpointer';
import { describe, expect, it } from 'vitest';
import { AdapterError, checkProtocol, evaluatePointer, makeAdapter, parsePointer, ProtocolConfigError } from './adapters.js';

const session = { userId: 'u-7', query: 'rain jacket & boots', k: 5 };

describe('drillbook adapter (the default)', () => {
  const a = makeAdapter(undefined);
  it('posts /v1/recommend and reads items, degraded and modelVersion', () => {
    const r = a.build(session);
    expect([r.method, r.path, JSON.parse(r.body!)]).toEqual(['POST', '/v1/recommend', { userId: 'u-7', query: 'rain jacket & boots', k: 5 }]);
    expect(a.readiness.map((x) => x.path)).toEqual(['/readyz']);
    expect(a.parse(JSON.stringify({ items: [{ itemId: 'i-1' }, { itemId: 'i-2' }], degraded: true, modelVersion: 'v2' }))).toEqual({ itemIds: ['i-1', 'i-2'], degraded: true, modelVersion: 'v2' });
  });
  it.each([
    ['not json', 'body: expected a JSON document'],
    ['[]', 'body: expected a recommendation object, got an array'],
    ['{}', 'items: expected an array of recommended items, got nothing'],
    ['{"items": {}}', 'items: expected an array of recommended items, got an object'],
    ['{"items": [3]}', 'items[0]: expected an item object, got a number'],
    ['{"items": [{"itemId": "a"}, {"id": "b"}]}', 'items[1].itemId: expected an item id (a non-empty string or a number), got undefined'],
    ['{"items": [], "degraded": "yes"}', 'degraded: expected a boolean, got a string'],
  ])('%s -> %s', (body, message) => {
    expect(() => a.parse(body)).toThrow(AdapterError);
    expect(() => a.parse(body)).toThrow(message);
  });
});

describe('oip-v2 adapter', () => {
  const a = makeAdapter({ type: 'oip-v2' });
  const out = (name: string, data: unknown, datatype = 'BYTES') => ({ name, datatype, shape: [Array.isArray(data) ? data.length : 1], data });
  it('sends the reference model its named tensors and asks for ids, scores and degraded', () => {
    const r = a.build(session);
    expect(r.path).toBe('/v2/models/recsys-two-tower/infer');
    const body = JSON.parse(r.body!);
    expect(body.inputs).toEqual([
      { name: 'user_id', datatype: 'BYTES', shape: [1], data: ['u-7'] },
      { name: 'query', datatype: 'BYTES', shape: [1], data: ['rain jacket & boots'] },
      { name: 'k', datatype: 'INT32', shape: [1], data: [5] },
    ]);
    expect(body.outputs).toEqual([{ name: 'item_ids' }, { name: 'scores' }, { name: 'degraded' }]);
    expect(a.readiness.map((x) => x.path)).toEqual(['/v2/health/ready', '/v2/models/recsys-two-tower/ready']);
  });
  it('uses configured model, version and tensor names (query left out)', () => {
    const b = makeAdapter({ type: 'oip-v2', model: 'ranker', version: '7', inputs: { userId: 'USER', query: null, k: 'TOPK' }, outputs: { itemIds: 'IDS', scores: null, degraded: null } });
    const r = b.build(session);
    expect(r.path).toBe('/v2/models/ranker/versions/7/infer');
    expect(JSON.parse(r.body!).inputs.map((i: { name: string }) => i.name)).toEqual(['USER', 'TOPK']);
    expect(JSON.parse(r.body!).outputs).toEqual([{ name: 'IDS' }]);
    expect(b.readiness[1].path).toBe('/v2/models/ranker/versions/7/ready');
    expect(b.parse(JSON.stringify({ model_name: 'ranker', model_version: '7', outputs: [out('IDS', [11, 12], 'INT64')] }))).toEqual({ itemIds: ['11', '12'], degraded: false, modelVersion: '7' });
  });
  it('reads ids, the degraded flag and the model version, whatever the order of the outputs', () => {
    const body = { model_name: 'recsys-two-tower', model_version: 'v1', outputs: [out('degraded', [true], 'BOOL'), out('scores', [0.9, 0.1], 'FP32'), out('item_ids', ['i-3', 'i-1'])] };
    expect(a.parse(JSON.stringify(body))).toEqual({ itemIds: ['i-3', 'i-1'], degraded: true, modelVersion: 'v1' });
  });
  it.each([
    ['{"outputs": 1}', 'outputs: expected an array of output tensors, got a number'],
    ['{"model_name": "m"}', 'outputs: expected an array of output tensors, got nothing'],
    ['{"outputs": [null]}', 'outputs[0]: expected an output tensor object, got null'],
    ['{"outputs": [{"name": "scores", "data": [1]}]}', 'outputs: no output tensor named "item_ids" (the item ids)'],
    ['{"outputs": [{"name": "item_ids", "data": "i-1,i-2"}]}', 'outputs[0].data: expected an array of item ids'],
    ['{"outputs": [{"name": "x"}, {"name": "item_ids", "data": ["i-1", null]}]}', 'outputs[1].data[1]: expected an item id (a non-empty string or a number), got null'],
    ['{"outputs": [{"name": "item_ids", "data": ["i-1"]}, {"name": "degraded", "data": ["no"]}]}', 'outputs[1].data: expected one BOOL (the degraded flag)'],
    ['{"outputs": [{"name": "item_ids", "data": []}], "model_version": 3}', 'model_version: expected a string, got a number'],
  ])('%s -> %s', (body, message) => {
    expect(() => a.parse(body)).toThrow(AdapterError);
    expect(() => a.parse(body)).toThrow(message);
  });
});

describe('json adapter', () => {
  const a = makeAdapter({
    type: 'json',
    path: '/api/recs/{{userId}}?q={{query}}&n={{k}}',
    body: { user: '{{userId}}', limit: '{{k}}', note: 'for {{userId}}', list: ['{{query}}'] },
    headers: { 'X-Caller': 'drill-{{userId}}' },
    itemIds: '/data/recommendations',
    itemId: '/sku',
    degraded: '/meta/fallback',
    modelVersion: '/meta/model~1version',
    readinessPath: '/healthz',
  });
  it('fills the template (numbers stay numbers, path values URL-encoded) and follows the pointers', () => {
    const r = a.build(session);
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/api/recs/u-7?q=rain%20jacket%20%26%20boots&n=5');
    expect(JSON.parse(r.body!)).toEqual({ user: 'u-7', limit: 5, note: 'for u-7', list: ['rain jacket & boots'] });
    expect(r.headers).toEqual({ 'content-type': 'application/json', 'x-caller': 'drill-u-7' });
    expect(a.readiness).toEqual([{ path: '/healthz', what: 'service readiness' }]);
    const answer = { data: { recommendations: [{ sku: 'a' }, { sku: 42 }] }, meta: { fallback: true, 'model/version': '2024-06' } };
    expect(a.parse(JSON.stringify(answer))).toEqual({ itemIds: ['a', '42'], degraded: true, modelVersion: '2024-06' });
  });
  it('a GET with the elements as ids and no optional pointers', () => {
    const b = makeAdapter({ type: 'json', method: 'GET', path: '/r?u={{userId}}', itemIds: '' });
    expect(b.build(session)).toEqual({ method: 'GET', path: '/r?u=u-7', body: null, headers: {} });
    expect(b.readiness).toEqual([]);
    expect(b.parse('["x", "y"]')).toEqual({ itemIds: ['x', 'y'], degraded: false, modelVersion: null });
  });
  it.each([
    ['{}', '/data/recommendations: not in the response (the walk stopped at (root)): expected an array of item ids'],
    ['{"data": {}}', '/data/recommendations: not in the response (the walk stopped at /data): expected an array of item ids'],
    ['{"data": {"recommendations": "a,b"}}', '/data/recommendations: expected an array of item ids, got a string'],
    ['{"data": {"recommendations": [{"id": "a"}]}}', '/data/recommendations/0/sku: not in the response: expected an item id'],
    ['{"data": {"recommendations": [{"sku": {}}]}}', '/data/recommendations/0/sku: expected an item id (a non-empty string or a number), got an object'],
    ['{"data": {"recommendations": []}, "meta": {"fallback": 1}}', '/meta/fallback: expected a boolean (the degraded flag), got a number'],
    ['{"data": {"recommendations": []}, "meta": {"model/version": [1]}}', '/meta/model~1version: expected a model version (a string or number), got an array'],
    ['<html>', 'body: expected a JSON document'],
  ])('%s -> %s', (body, message) => {
    expect(() => a.parse(body)).toThrow(AdapterError);
    expect(() => a.parse(body)).toThrow(message);
  });
});

describe('JSON Pointer evaluation agrees with the jsonpointer package (RFC 6901)', () => {
  const doc = { a: { 'b/c': [10, { '~d': 'x', '': 'empty' }] }, '': { ' ': 1 }, arr: [[0, 1], 'z'] };
  it.each(['', '/a', '/a/b~1c', '/a/b~1c/0', '/a/b~1c/1/~0d', '/a/b~1c/1/', '/', '/ ', '/arr/0/1', '/arr/1', '/missing', '/arr/5', '/arr/01', '/a/b~1c/-'])('%s', (p) => {
    const ours = evaluatePointer(doc, parsePointer(p));
    let theirs: unknown;
    try {
      theirs = jsonpointer.get(doc, p);
    } catch {
      theirs = undefined;
    }
    expect(ours.found ? ours.value : undefined).toEqual(theirs);
  });
  it.each(['a', '/a~2', '/a~'])('refuses %s', (p) => {
    expect(() => parsePointer(p)).toThrow(/RFC 6901/);
  });
});

describe('protocol blocks', () => {
  it.each([
    [{ type: 'grpc' }, 'protocol.type: expected one of "drillbook", "oip-v2", "json", got "grpc"'],
    [{ type: 'drillbook', model: 'x' }, 'protocol.model: unknown field for protocol "drillbook"'],
    [{ type: 'oip-v2', model: 'a b' }, 'protocol.model: expected a model name'],
    [{ type: 'oip-v2', inputs: { user: 'u' } }, 'protocol.inputs.user: unknown tensor role'],
    [{ type: 'oip-v2', inputs: { k: null } }, 'protocol.inputs.k: expected a tensor name, got null'],
    [{ type: 'oip-v2', outputs: [] }, 'protocol.outputs: expected a mapping of tensor names, got an array'],
    [{ type: 'json', itemIds: '/x' }, 'protocol.path: expected a path starting with "/"'],
    [{ type: 'json', path: '/r/{{user}}', itemIds: '/x' }, 'protocol.path: unknown placeholder {{user}}'],
    [{ type: 'json', path: '/r', body: { a: '{{ids}}' }, itemIds: '/x' }, 'protocol.body: unknown placeholder {{ids}}'],
    [{ type: 'json', path: '/r', itemIds: 'items' }, 'protocol.itemIds: a JSON Pointer starts with "/"'],
    [{ type: 'json', path: '/r' }, 'protocol.itemIds: is required'],
    [{ type: 'json', method: 'GET', path: '/r', body: {}, itemIds: '/x' }, 'protocol.body: a GET request has no body'],
    [{ type: 'json', path: '/r', itemIds: '/x', headers: { 'a b': 'c' } }, 'protocol.headers.a b: not a valid HTTP header name'],
    [{ type: 'json', path: '/r', itemIds: '/x', headers: { a: 'c\r\nX: y' } }, 'protocol.headers.a: expected a string without line breaks'],
    [{ type: 'json', path: '/r', itemIds: '/x', readinessPath: 'healthz' }, 'protocol.readinessPath: expected a path starting with "/"'],
    ['oip-v2', 'protocol: expected a mapping with a "type"'],
  ])('%j -> %s', (block, message) => {
    expect(() => makeAdapter(block)).toThrow(ProtocolConfigError);
    expect(() => makeAdapter(block)).toThrow(message);
  });

  it('fuzzed blocks are accepted or refused with a located ProtocolConfigError, never anything else', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values: unknown[] = [null, undefined, 0, -1, 1.5, '', '/', '/x', 'x', '{{k}}', '{{nope}}', [], {}, ['/a'], { a: 1 }, true, 'GET', 'a b', '~', '/a~1b'];
    const keys = ['type', 'model', 'version', 'inputs', 'outputs', 'method', 'path', 'body', 'headers', 'itemIds', 'itemId', 'degraded', 'modelVersion', 'readinessPath', 'extra'];
    const types = ['drillbook', 'oip-v2', 'json', 'nope', 3];
    for (let i = 0; i < 3000; i++) {
      const block: Record<string, unknown> = { type: types[Math.floor(rnd() * types.length)] };
      const n = Math.floor(rnd() * 5);
      for (let j = 0; j < n; j++) {
        const key = keys[Math.floor(rnd() * keys.length)];
        let v = values[Math.floor(rnd() * values.length)];
        if ((key === 'inputs' || key === 'outputs') && rnd() < 0.5) v = { [['userId', 'query', 'k', 'itemIds', 'scores', 'degraded', 'zz'][Math.floor(rnd() * 7)]]: values[Math.floor(rnd() * values.length)] };
        if (key === 'headers' && rnd() < 0.5) v = { [String(values[Math.floor(rnd() * values.length)])]: values[Math.floor(rnd() * values.length)] };
        block[key] = v;
      }
      if (block.type === 'json' && rnd() < 0.5) Object.assign(block, { path: '/r?u={{userId}}', itemIds: '/items' });
      try {
        const a = makeAdapter(block);
        const r = a.build(session);
        expect(typeof r.path).toBe('string');
        expect(checkProtocol(block).type).toBe(block.type);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolConfigError);
        expect((e as Error).message).toMatch(/^protocol(\.[^:]+)?: /);
      }
    }
  });

  it('malformed answers of any shape give a located AdapterError, never a crash', () => {
    const adapters = [makeAdapter(undefined), makeAdapter({ type: 'oip-v2' }), makeAdapter({ type: 'json', path: '/r', itemIds: '/items', itemId: '/id', degraded: '/d', modelVersion: '/v' })];
    const parts: unknown[] = [null, 1, 'x', true, [], {}, [null], [1, 'a'], [{}], { name: 'item_ids' }, { name: 'item_ids', data: [{}] }, { id: 'a' }, { itemId: 'a' }, { name: 'degraded', data: [2] }];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = () => parts[Math.floor(rnd() * parts.length)];
    for (let i = 0; i < 3000; i++) {
      const body = rnd() < 0.1 ? pick() : { items: rnd() < 0.5 ? [pick(), pick()] : pick(), outputs: rnd() < 0.5 ? [pick(), pick()] : pick(), degraded: pick(), d: pick(), v: pick(), model_version: rnd() < 0.8 ? undefined : pick() };
      for (const a of adapters) {
        try {
          const r = a.parse(JSON.stringify(body));
          expect(Array.isArray(r.itemIds)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(AdapterError);
          expect((e as AdapterError).field.length).toBeGreaterThan(0);
        }
      }
    }
  });
});
