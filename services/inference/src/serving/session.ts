/**
 * onnxruntime-node session for the two-tower model: encodes a batch of (user row, query) pairs,
 * runs the graph once, and returns the top-k item indices and scores per request.
 *
 * onnxruntime-node runs a session synchronously on the calling thread (its `run()` only defers the
 * call with setImmediate), so in a server the event loop stops for the whole batch. `ThreadedScorer`
 * runs the session in a worker thread instead: the replica's event loop keeps reading, parsing and
 * answering requests (and filling the next batch) while a batch runs. `OnnxScorer` runs in-process
 * (offline evaluation, and the raw figure of the inference benchmark).
 */
import { Worker } from 'node:worker_threads';
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

/** What the replica needs from a loaded model. */
export interface Scorer {
  readonly shape: ModelShape;
  score(batch: ScoreRequest[], k: number): Promise<ScoreResult[]>;
  release(): Promise<void>;
}

export interface SessionOptions {
  /** Threads onnxruntime uses inside one operator (MatMul, TopK). */
  intraOpThreads?: number;
  /**
   * Let onnxruntime's intra-op threads spin-wait between operators (its default, meant for a
   * session that has the cores to itself). In a replica the spinning threads take CPU from the event
   * loop that is parsing and answering requests, and from the other replicas on the host, so the
   * replica turns it off (`ORT_SPIN`): at 200 req/s one replica used 1.6 cores spinning, 0.9 without.
   */
  spin?: boolean;
}

/** The graph's inputs for one batch. */
interface EncodedBatch {
  n: number;
  maxTokens: number;
  k: number;
  users: BigInt64Array;
  tokens: BigInt64Array;
  weights: Float32Array;
}

function encodeBatch(batch: ScoreRequest[], shape: ModelShape, k: number): EncodedBatch {
  const n = batch.length;
  const T = shape.maxTokens;
  const users = new BigInt64Array(n);
  const tokens = new BigInt64Array(n * T);
  const weights = new Float32Array(n * T);
  for (let r = 0; r < n; r++) {
    users[r] = BigInt(batch[r].userRow);
    encodeTokens(tokenIds(batch[r].query, shape), r, T, tokens, weights);
  }
  return { n, maxTokens: T, k: Math.min(k, shape.items), users, tokens, weights };
}

function decodeTopK(idx: BigInt64Array | Int32Array, sc: Float32Array, n: number, kk: number): ScoreResult[] {
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

function sessionOptions(opts: SessionOptions): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: opts.intraOpThreads ?? 0,
    interOpNumThreads: 1,
    // Session config entries (onnxruntime_session_options_config_keys.h), flattened with dots by the binding.
    ...(opts.spin === false ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
  };
}

function checkInputs(names: readonly string[]): string | null {
  const got = [...names].sort().join(',');
  const expected = Object.values(ONNX_INPUTS).sort().join(',');
  return got === expected ? null : `model inputs are [${got}], expected [${expected}]`;
}

/** The session on the calling thread. */
export class OnnxScorer implements Scorer {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly shape: ModelShape,
  ) {}

  static async create(modelBytes: Uint8Array, shape: ModelShape, opts: SessionOptions = {}): Promise<OnnxScorer> {
    const session = await ort.InferenceSession.create(modelBytes, sessionOptions(opts));
    const bad = checkInputs(session.inputNames);
    if (bad) {
      await session.release();
      throw new Error(bad);
    }
    return new OnnxScorer(session, shape);
  }

  async score(batch: ScoreRequest[], k: number): Promise<ScoreResult[]> {
    const e = encodeBatch(batch, this.shape, k);
    const out = await this.session.run({
      [ONNX_INPUTS.userIdx]: new ort.Tensor('int64', e.users, [e.n]),
      [ONNX_INPUTS.tokenIds]: new ort.Tensor('int64', e.tokens, [e.n, e.maxTokens]),
      [ONNX_INPUTS.tokenWeights]: new ort.Tensor('float32', e.weights, [e.n, e.maxTokens]),
      [ONNX_INPUTS.k]: new ort.Tensor('int64', new BigInt64Array([BigInt(e.k)]), [1]),
    });
    return decodeTopK(out[ONNX_OUTPUTS.indices].data as BigInt64Array, out[ONNX_OUTPUTS.scores].data as Float32Array, e.n, e.k);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

type FromWorker =
  | { type: 'ready'; inputNames: string[] }
  | { type: 'result'; id: number; indices: Int32Array; scores: Float32Array }
  | { type: 'error'; id: number | null; message: string };

/** The session in a worker thread of its own (see the top of this file). */
export class ThreadedScorer implements Scorer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ScoreResult[]) => void; reject: (e: Error) => void; n: number; k: number }>();
  private failure: Error | null = null;
  private released = false;

  private constructor(
    private readonly worker: Worker,
    readonly shape: ModelShape,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') return;
      const p = m.id === null ? undefined : this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id!);
      if (m.type === 'error') p.reject(new Error(`inference failed: ${m.message}`));
      else p.resolve(decodeTopK(m.indices, m.scores, p.n, p.k));
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    worker.on('error', (e) => fail(new Error(`inference worker failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(this.released ? 'model released' : `inference worker exited (code ${code})`)));
  }

  static async create(modelBytes: Uint8Array, shape: ModelShape, opts: SessionOptions = {}): Promise<ThreadedScorer> {
    const worker = new Worker(new URL('./ortWorker.mjs', import.meta.url), {
      workerData: { modelBytes, options: sessionOptions(opts), inputs: ONNX_INPUTS, outputs: ONNX_OUTPUTS },
    });
    const scorer = new ThreadedScorer(worker, shape);
    const ready = await new Promise<FromWorker>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`inference worker exited (code ${code}) while loading the model`)));
    });
    const bad = ready.type === 'ready' ? checkInputs(ready.inputNames) : ready.type === 'error' ? `could not create the onnxruntime session: ${ready.message}` : 'unexpected answer';
    if (bad) {
      await scorer.release();
      throw new Error(bad);
    }
    return scorer;
  }

  /** Batches handed to the worker and not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  score(batch: ScoreRequest[], k: number): Promise<ScoreResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.released) return Promise.reject(new Error('model released'));
    const e = encodeBatch(batch, this.shape, k);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, n: e.n, k: e.k });
      this.worker.postMessage({ type: 'run', id, ...e }, [e.users.buffer as ArrayBuffer, e.tokens.buffer as ArrayBuffer, e.weights.buffer as ArrayBuffer]);
    });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.worker.terminate();
  }
}

/**
 * Several inference workers, each with its own session (`ORT_WORKERS`): a batch goes to the worker
 * with the fewest batches in hand, so with `BATCH_CONCURRENCY` at least the worker count, batches
 * run on several cores at once. A session runs one batch at a time, in practice on one thread (its
 * intra-op pool does not pay at these batch sizes, see the README), so one worker gives the replica
 * at most one core of inference.
 */
export class PooledScorer implements Scorer {
  private constructor(private readonly workers: ThreadedScorer[]) {}

  get shape(): ModelShape {
    return this.workers[0].shape;
  }

  static async create(modelBytes: Uint8Array, shape: ModelShape, opts: SessionOptions & { workers: number }): Promise<Scorer> {
    if (opts.workers <= 1) return ThreadedScorer.create(modelBytes, shape, opts);
    const made = await Promise.allSettled(Array.from({ length: opts.workers }, () => ThreadedScorer.create(modelBytes, shape, opts)));
    const ok = made.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = made.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((w) => w.release()));
      throw failed.reason;
    }
    return new PooledScorer(ok);
  }

  score(batch: ScoreRequest[], k: number): Promise<ScoreResult[]> {
    let least = this.workers[0];
    for (const w of this.workers) if (w.inFlight < least.inFlight) least = w;
    return least.score(batch, k);
  }

  async release(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.release()));
  }
}
