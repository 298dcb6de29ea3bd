/**
 * Export the two-tower model to ONNX with onnx-proto. The graph (opset 13):
 *
 *   user_vec = Gather(user_emb, user_idx)                         [N, D]
 *   tok      = Gather(token_emb, token_ids) * token_weights[..., None]
 *   q        = user_vec + ReduceSum(tok, axis=1)                  [N, D]
 *   scores   = MatMul(q, item_emb_t) + item_bias                  [N, I]
 *   top_scores, top_indices = TopK(scores, k)                     [N, k]
 */
import onnxProto from 'onnx-proto';
import type { TwoTowerWeights } from './train.js';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

export const ONNX_INPUTS = { userIdx: 'user_idx', tokenIds: 'token_ids', tokenWeights: 'token_weights', k: 'k' } as const;
export const ONNX_OUTPUTS = { scores: 'top_scores', indices: 'top_indices' } as const;
export const OPSET = 13;

export function floatTensor(name: string, dims: number[], data: Float32Array) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: DT.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

export function int64Tensor(name: string, values: number[]) {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: DT.INT64, rawData: new Uint8Array(data.buffer) });
}

export function valueInfo(name: string, elemType: number, dims: Array<number | string>) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

export function node(opType: string, inputs: string[], outputs: string[], attrs: Array<{ name: string; i: number }> = []) {
  return onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    name: `${opType}_${outputs[0]}`,
    attribute: attrs.map((a) => onnx.AttributeProto.create({ name: a.name, type: AT.INT, i: a.i })),
  });
}

/** Item embeddings transposed to [D, I], so scoring is one MatMul. */
export function transposeItems(w: TwoTowerWeights): Float32Array {
  const { dim: D, items: I } = w.shape;
  const t = new Float32Array(D * I);
  for (let i = 0; i < I; i++) for (let d = 0; d < D; d++) t[d * I + i] = w.itemEmb[i * D + d];
  return t;
}

/** The inputs and outputs every variant of the model has (the replica serves any of them unchanged). */
export const twoTowerIO = (T: number) => ({
  input: [
    valueInfo(ONNX_INPUTS.userIdx, DT.INT64, ['N']),
    valueInfo(ONNX_INPUTS.tokenIds, DT.INT64, ['N', T]),
    valueInfo(ONNX_INPUTS.tokenWeights, DT.FLOAT, ['N', T]),
    valueInfo(ONNX_INPUTS.k, DT.INT64, [1]),
  ],
  output: [valueInfo(ONNX_OUTPUTS.scores, DT.FLOAT, ['N', 'K']), valueInfo(ONNX_OUTPUTS.indices, DT.INT64, ['N', 'K'])],
});

/** The top k of `scores`, sorted: the model's two outputs. */
export const topKNode = () =>
  node('TopK', ['scores', ONNX_INPUTS.k], [ONNX_OUTPUTS.scores, ONNX_OUTPUTS.indices], [
    { name: 'axis', i: -1 },
    { name: 'largest', i: 1 },
    { name: 'sorted', i: 1 },
  ]);

/**
 * Scoring from float tables `user_emb`, `token_emb`, `item_emb_t` and `item_bias`: the user vector
 * plus the weighted sum of the query's token vectors, against every item, plus the item bias; top k.
 */
export const floatScoringNodes = () => [
  node('Gather', ['user_emb', ONNX_INPUTS.userIdx], ['user_vec'], [{ name: 'axis', i: 0 }]),
  node('Gather', ['token_emb', ONNX_INPUTS.tokenIds], ['tok'], [{ name: 'axis', i: 0 }]),
  node('Unsqueeze', [ONNX_INPUTS.tokenWeights, 'axes_2'], ['tok_w']),
  node('Mul', ['tok', 'tok_w'], ['tok_weighted']),
  node('ReduceSum', ['tok_weighted', 'axes_1'], ['query_vec'], [{ name: 'keepdims', i: 0 }]),
  node('Add', ['user_vec', 'query_vec'], ['q']),
  node('MatMul', ['q', 'item_emb_t'], ['raw_scores']),
  node('Add', ['raw_scores', 'item_bias'], ['scores']),
  topKNode(),
];

export function exportOnnx(w: TwoTowerWeights, meta: Record<string, string> = {}): Uint8Array {
  const { dim: D, hashBuckets: H, maxTokens: T, items: I, userRows: U } = w.shape;
  const graph = onnx.GraphProto.create({
    name: 'two_tower_recommender',
    initializer: [
      floatTensor('user_emb', [U, D], w.userEmb),
      floatTensor('token_emb', [H, D], w.tokenEmb),
      floatTensor('item_emb_t', [D, I], transposeItems(w)),
      floatTensor('item_bias', [I], w.itemBias),
      int64Tensor('axes_2', [2]),
      int64Tensor('axes_1', [1]),
    ],
    ...twoTowerIO(T),
    node: floatScoringNodes(),
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'drillbook',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
    metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Damage an exported model the way a bad training run or a botched export would, keeping it a
 * valid ONNX graph (it loads, hashes and signs fine): `shuffle-item-embeddings` permutes the item
 * tower's columns and biases, `zero-user-tower` zeroes every user embedding.
 */
export function mutateOnnx(bytes: Uint8Array, mutation: 'none' | 'shuffle-item-embeddings' | 'zero-user-tower', seed = 99): Uint8Array {
  if (mutation === 'none') return bytes;
  const model = onnx.ModelProto.decode(bytes);
  const init = (name: string) => {
    const t = model.graph?.initializer?.find((x) => x.name === name);
    if (!t?.rawData) throw new Error(`model has no initializer ${name}`);
    const raw = t.rawData;
    const copy = new Float32Array(raw.byteLength / 4);
    new Uint8Array(copy.buffer).set(raw);
    return { t, data: copy, dims: (t.dims ?? []).map(Number) };
  };
  if (mutation === 'zero-user-tower') {
    const u = init('user_emb');
    u.t.rawData = new Uint8Array(new Float32Array(u.data.length).buffer);
  } else {
    const e = init('item_emb_t');
    const b = init('item_bias');
    const [D, I] = e.dims;
    let s = seed >>> 0;
    const rand = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296);
    const perm = Array.from({ length: I }, (_, i) => i);
    for (let i = I - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const emb = new Float32Array(e.data.length);
    const bias = new Float32Array(b.data.length);
    for (let i = 0; i < I; i++) {
      for (let d = 0; d < D; d++) emb[d * I + i] = e.data[d * I + perm[i]];
      bias[i] = b.data[perm[i]];
    }
    e.t.rawData = new Uint8Array(emb.buffer);
    b.t.rawData = new Uint8Array(bias.buffer);
  }
  return onnx.ModelProto.encode(model).finish();
}
