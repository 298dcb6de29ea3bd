/**
 * Compressed model variants (issue 23). From one trained model the build exports, beside fp32:
 *
 * - `int8`: every embedding table stored as int8 with one float scale per row (symmetric,
 *   scale = max|row| / 127). Scoring runs through onnxruntime's quantized operators: the query
 *   vector is quantized per batch (DynamicQuantizeLinear) and multiplied with the int8 item matrix
 *   by MatMulInteger, then rescaled per item column; user and token rows are gathered as int8 and
 *   rescaled by their row scale. About a quarter of the fp32 size.
 * - `fp16`: the tables stored as float16 and cast to float32 when the session loads them (the CPU
 *   runtime has no fp16 MatMul): half the size on disk and on the wire, fp32 speed in memory.
 *
 * Every variant has the same inputs and outputs as fp32, so the replica serves it unchanged.
 */
import onnxProto from 'onnx-proto';
import { floatScoringNodes, floatTensor, int64Tensor, node, ONNX_INPUTS, OPSET, topKNode, transposeItems, twoTowerIO } from './onnx.js';
import type { TwoTowerWeights } from './train.js';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;

export const MODEL_VARIANTS = ['fp32', 'int8', 'fp16'] as const;
export type ModelVariant = (typeof MODEL_VARIANTS)[number];

export function parseVariants(raw: string, flag = '--variants'): ModelVariant[] {
  const out: ModelVariant[] = [];
  for (const v of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(MODEL_VARIANTS as readonly string[]).includes(v)) throw new Error(`${flag}: unknown variant "${v}" (expected ${MODEL_VARIANTS.join(', ')})`);
    if (!out.includes(v as ModelVariant)) out.push(v as ModelVariant);
  }
  return out;
}

/** Per-row symmetric int8 quantization of a row-major [rows, cols] matrix. */
export function quantizeRows(data: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  const q = new Int8Array(rows * cols);
  const scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(data[r * cols + c]));
    const s = max > 0 ? max / 127 : 1;
    scale[r] = s;
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(data[r * cols + c] / s)));
  }
  return { q, scale };
}

/** IEEE 754 binary16 bits of a float32 (round to nearest even). */
export function toFloat16Bits(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
  return sign | h;
}

function int8Tensor(name: string, dims: number[], data: Int8Array) {
  return onnx.TensorProto.create({ name, dims, dataType: DT.INT8, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
}

function fp16Tensor(name: string, dims: number[], data: Float32Array) {
  const h = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) h[i] = toFloat16Bits(data[i]);
  return onnx.TensorProto.create({ name, dims, dataType: DT.FLOAT16, rawData: new Uint8Array(h.buffer) });
}

function int8Graph(w: TwoTowerWeights) {
  const { dim: D, hashBuckets: H, maxTokens: T, items: I, userRows: U } = w.shape;
  const user = quantizeRows(w.userEmb, U, D);
  const token = quantizeRows(w.tokenEmb, H, D);
  const item = quantizeRows(w.itemEmb, I, D); // per item row
  // MatMulInteger wants B as [D, I]: transpose the int8 rows; the per-item scales become per-column.
  const itemT = new Int8Array(D * I);
  for (let i = 0; i < I; i++) for (let d = 0; d < D; d++) itemT[d * I + i] = item.q[i * D + d];
  const CAST_FLOAT = DT.FLOAT;
  return onnx.GraphProto.create({
    name: 'two_tower_recommender_int8',
    initializer: [
      int8Tensor('user_emb_q', [U, D], user.q),
      floatTensor('user_scale', [U], user.scale),
      int8Tensor('token_emb_q', [H, D], token.q),
      floatTensor('token_scale', [H], token.scale),
      int8Tensor('item_emb_t_q', [D, I], itemT),
      floatTensor('item_scale', [I], item.scale),
      int8Tensor('item_zp', [I], new Int8Array(I)),
      floatTensor('item_bias', [I], w.itemBias),
      int64Tensor('axes_2', [2]),
      int64Tensor('axes_1', [1]),
    ],
    ...twoTowerIO(T),
    node: [
      // user tower: int8 row x its scale
      node('Gather', ['user_emb_q', ONNX_INPUTS.userIdx], ['user_q'], [{ name: 'axis', i: 0 }]),
      node('Cast', ['user_q'], ['user_f'], [{ name: 'to', i: CAST_FLOAT }]),
      node('Gather', ['user_scale', ONNX_INPUTS.userIdx], ['user_s'], [{ name: 'axis', i: 0 }]),
      node('Unsqueeze', ['user_s', 'axes_1'], ['user_s1']),
      node('Mul', ['user_f', 'user_s1'], ['user_vec']),
      // query tokens: the row scales fold into the averaging weights
      node('Gather', ['token_emb_q', ONNX_INPUTS.tokenIds], ['tok_q'], [{ name: 'axis', i: 0 }]),
      node('Cast', ['tok_q'], ['tok'], [{ name: 'to', i: CAST_FLOAT }]),
      node('Gather', ['token_scale', ONNX_INPUTS.tokenIds], ['tok_s'], [{ name: 'axis', i: 0 }]),
      node('Mul', [ONNX_INPUTS.tokenWeights, 'tok_s'], ['tok_ws']),
      node('Unsqueeze', ['tok_ws', 'axes_2'], ['tok_w']),
      node('Mul', ['tok', 'tok_w'], ['tok_weighted']),
      node('ReduceSum', ['tok_weighted', 'axes_1'], ['query_vec'], [{ name: 'keepdims', i: 0 }]),
      node('Add', ['user_vec', 'query_vec'], ['q']),
      // item scoring through the quantized operators
      node('DynamicQuantizeLinear', ['q'], ['q_u8', 'q_scale', 'q_zp']),
      node('MatMulInteger', ['q_u8', 'item_emb_t_q', 'q_zp', 'item_zp'], ['raw_i32']),
      node('Cast', ['raw_i32'], ['raw_f'], [{ name: 'to', i: CAST_FLOAT }]),
      node('Mul', ['item_scale', 'q_scale'], ['col_scale']),
      node('Mul', ['raw_f', 'col_scale'], ['raw_scores']),
      node('Add', ['raw_scores', 'item_bias'], ['scores']),
      topKNode(),
    ],
  });
}

function fp16Graph(w: TwoTowerWeights) {
  const { dim: D, hashBuckets: H, maxTokens: T, items: I, userRows: U } = w.shape;
  const cast = (from: string, to: string) => node('Cast', [from], [to], [{ name: 'to', i: DT.FLOAT }]);
  return onnx.GraphProto.create({
    name: 'two_tower_recommender_fp16',
    initializer: [
      fp16Tensor('user_emb_h', [U, D], w.userEmb),
      fp16Tensor('token_emb_h', [H, D], w.tokenEmb),
      fp16Tensor('item_emb_t_h', [D, I], transposeItems(w)),
      floatTensor('item_bias', [I], w.itemBias),
      int64Tensor('axes_2', [2]),
      int64Tensor('axes_1', [1]),
    ],
    ...twoTowerIO(T),
    node: [
      cast('user_emb_h', 'user_emb'),
      cast('token_emb_h', 'token_emb'),
      cast('item_emb_t_h', 'item_emb_t'),
      ...floatScoringNodes(),
    ],
  });
}

/** Export a compressed variant of the two-tower model (same inputs and outputs as `exportOnnx`). */
export function exportOnnxVariant(w: TwoTowerWeights, variant: Exclude<ModelVariant, 'fp32'>, meta: Record<string, string> = {}): Uint8Array {
  const graph = variant === 'int8' ? int8Graph(w) : fp16Graph(w);
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'drillbook',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
    metadataProps: Object.entries({ ...meta, variant }).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}
