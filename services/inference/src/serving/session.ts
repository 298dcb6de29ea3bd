/**
 * onnxruntime-node session for the two-tower model: encodes a batch of (user row, query) pairs,
 * runs the graph once, and returns the top-k item indices and scores per request.
 */
import ort from 'onnxruntime-node';
import { encodeTokens, tokenIds, type ModelShape } from '../model/encoding.js';
import { ONNX_INPUTS, ONNX_OUTPUTS } from '../model/onnx.js';

export interface ScoreRequest {
  userRow: number;
  query?: string;
}

export interface ScoreResult {
  indices: number[];
  scores: number[];
}

export interface SessionOptions {
  /** Threads onnxruntime uses inside one operator (MatMul, TopK). */
  intraOpThreads?: number;
}

export class OnnxScorer {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly shape: ModelShape,
  ) {}

  static async create(modelBytes: Uint8Array, shape: ModelShape, opts: SessionOptions = {}): Promise<OnnxScorer> {
    const session = await ort.InferenceSession.create(modelBytes, {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: opts.intraOpThreads ?? 0,
      interOpNumThreads: 1,
    });
    const names = [...session.inputNames].sort().join(',');
    const expected = Object.values(ONNX_INPUTS).sort().join(',');
    if (names !== expected) {
      await session.release();
      throw new Error(`model inputs are [${names}], expected [${expected}]`);
    }
    return new OnnxScorer(session, shape);
  }

  async score(batch: ScoreRequest[], k: number): Promise<ScoreResult[]> {
    const n = batch.length;
    const T = this.shape.maxTokens;
    const users = new BigInt64Array(n);
    const tokens = new BigInt64Array(n * T);
    const weights = new Float32Array(n * T);
    for (let r = 0; r < n; r++) {
      users[r] = BigInt(batch[r].userRow);
      encodeTokens(tokenIds(batch[r].query, this.shape), r, T, tokens, weights);
    }
    const kk = Math.min(k, this.shape.items);
    const out = await this.session.run({
      [ONNX_INPUTS.userIdx]: new ort.Tensor('int64', users, [n]),
      [ONNX_INPUTS.tokenIds]: new ort.Tensor('int64', tokens, [n, T]),
      [ONNX_INPUTS.tokenWeights]: new ort.Tensor('float32', weights, [n, T]),
      [ONNX_INPUTS.k]: new ort.Tensor('int64', new BigInt64Array([BigInt(kk)]), [1]),
    });
    const idx = out[ONNX_OUTPUTS.indices].data as BigInt64Array;
    const sc = out[ONNX_OUTPUTS.scores].data as Float32Array;
    const results: ScoreResult[] = new Array(n);
    for (let r = 0; r < n; r++) {
      const indices = new Array<number>(kk);
      const scores = new Array<number>(kk);
      for (let j = 0; j < kk; j++) {
        indices[j] = Number(idx[r * kk + j]);
        scores[j] = sc[r * kk + j];
      }
      results[r] = { indices, scores };
    }
    return results;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
