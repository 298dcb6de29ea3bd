/**
 * Response corruption: find the ranked item list in a JSON answer and empty or shuffle it, so a
 * drill can check that ranking-quality detection (served NDCG, empty-result alerts) notices.
 */
import jsonpointer from 'jsonpointer';
import type { ProxyCorruptFault } from '@drillbook/contracts';

export type CorruptResult = { ok: true; body: Buffer; items: number } | { ok: false; reason: 'not_json' | 'no_item_list' | 'already_empty' | 'too_few_items' };

/** Where the item list lives for this answer. */
export function itemPointer(f: Pick<ProxyCorruptFault, 'format' | 'pointer' | 'outputName'>, path: string, doc: unknown): { pointer: string; tensor?: Record<string, unknown> } | null {
  if (f.pointer !== undefined) return { pointer: f.pointer };
  const format = !f.format || f.format === 'auto' ? (/\/infer$/.test(path) ? 'oip-v2' : 'drillbook') : f.format;
  if (format === 'drillbook') return { pointer: '/items' };
  const outputs = (doc as { outputs?: unknown })?.outputs;
  if (!Array.isArray(outputs)) return null;
  const name = f.outputName ?? 'item_ids';
  const i = outputs.findIndex((o) => o && typeof o === 'object' && (o as { name?: unknown }).name === name);
  return i < 0 ? null : { pointer: `/outputs/${i}/data`, tensor: outputs[i] as Record<string, unknown> };
}

function setShape(t: Record<string, unknown>, from: number, to: number): void {
  if (!Array.isArray(t.shape)) return;
  const s = t.shape as unknown[];
  const i = s.lastIndexOf(from);
  if (i >= 0) s[i] = to;
}

export function corruptJson(body: Buffer, f: ProxyCorruptFault, path: string, rand: () => number = Math.random): CorruptResult {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const where = itemPointer(f, path, doc);
  if (!where) return { ok: false, reason: 'no_item_list' };
  let list: unknown;
  try {
    list = jsonpointer.get(doc as object, where.pointer);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list)) return { ok: false, reason: 'no_item_list' };
  const n = list.length;
  if (f.mode === 'empty') {
    if (n === 0) return { ok: false, reason: 'already_empty' };
    jsonpointer.set(doc as object, where.pointer, []);
    if (where.tensor) {
      setShape(where.tensor, n, 0);
      // Tensors that run beside the item ids (scores) are emptied too, so the answer stays well-formed.
      for (const o of (doc as { outputs: Record<string, unknown>[] }).outputs) {
        if (o !== where.tensor && Array.isArray(o.data) && o.data.length === n) {
          o.data = [];
          setShape(o, n, 0);
        }
      }
    }
    return { ok: true, body: Buffer.from(JSON.stringify(doc)), items: 0 };
  }
  if (n < 2) return { ok: false, reason: 'too_few_items' };
  const order = list.map((_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  // A shuffle that lands on the served order would not be a fault: rotate by one instead.
  if (order.every((v, i) => v === i)) order.push(order.shift()!);
  jsonpointer.set(doc as object, where.pointer, order.map((i) => list[i]));
  return { ok: true, body: Buffer.from(JSON.stringify(doc)), items: n };
}
