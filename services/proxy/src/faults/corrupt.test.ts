import { describe, expect, it } from 'vitest';
import type { ProxyCorruptFault } from '@drillbook/contracts';
import { corruptJson } from './corrupt.js';

const f = (x: Partial<ProxyCorruptFault>): ProxyCorruptFault => ({ type: 'corrupt', ttlMs: 1000, mode: 'shuffle', ...x });
const buf = (v: unknown) => Buffer.from(JSON.stringify(v));
const parse = (r: ReturnType<typeof corruptJson>) => (r.ok ? JSON.parse(r.body.toString()) : r);

describe('response corruption', () => {
  it('shuffle never hands back the served order, even when the random draw would', () => {
    const doc = { items: [{ itemId: 'a' }, { itemId: 'b' }] };
    // rand() = 0.999 makes Fisher-Yates the identity: the result must still differ.
    const r = parse(corruptJson(buf(doc), f({}), '/v1/recommend', () => 0.999));
    expect(r.items.map((i: { itemId: string }) => i.itemId)).toEqual(['b', 'a']);
  });
  it('shuffle of an OIP answer moves the ids and leaves the scores where they were', () => {
    const doc = { outputs: [{ name: 'scores', data: [3, 2, 1] }, { name: 'item_ids', shape: [3], data: ['x', 'y', 'z'] }] };
    const r = parse(corruptJson(buf(doc), f({}), '/v2/models/m/versions/2/infer'));
    expect(r.outputs[0].data).toEqual([3, 2, 1]);
    expect(r.outputs[1].data).not.toEqual(['x', 'y', 'z']);
    expect([...r.outputs[1].data].sort()).toEqual(['x', 'y', 'z']);
  });
  it('a custom JSON Pointer and output name are honoured', () => {
    expect(parse(corruptJson(buf({ data: { recs: [1, 2, 3] } }), f({ mode: 'empty', pointer: '/data/recs' }), '/any'))).toEqual({ data: { recs: [] } });
    const oip = { outputs: [{ name: 'ids', shape: [1, 2], data: ['a', 'b'] }] };
    expect(parse(corruptJson(buf(oip), f({ mode: 'empty', format: 'oip-v2', outputName: 'ids' }), '/predict')).outputs[0]).toEqual({ name: 'ids', shape: [1, 0], data: [] });
  });
  it('says why when it cannot act: not JSON, no list there, already empty, one item', () => {
    expect(corruptJson(Buffer.from('<html>'), f({}), '/v1/recommend')).toEqual({ ok: false, reason: 'not_json' });
    expect(corruptJson(buf({ items: 'nope' }), f({}), '/v1/recommend')).toEqual({ ok: false, reason: 'no_item_list' });
    expect(corruptJson(buf({ outputs: [{ name: 'other', data: [1] }] }), f({}), '/v2/models/m/infer')).toEqual({ ok: false, reason: 'no_item_list' });
    expect(corruptJson(buf({ items: [] }), f({ mode: 'empty' }), '/v1/recommend')).toEqual({ ok: false, reason: 'already_empty' });
    expect(corruptJson(buf({ items: [1] }), f({}), '/v1/recommend')).toEqual({ ok: false, reason: 'too_few_items' });
  });
});
