// Worker thread that owns one onnxruntime session (see ThreadedScorer in session.ts). Plain
// JavaScript on purpose: it needs no TypeScript hooks, so it starts in tens of milliseconds.
// workerData: { modelBytes, options, inputs: {userIdx, tokenIds, tokenWeights, k}, outputs: {scores, indices} }
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';

const { inputs, outputs } = workerData;
let session;
try {
  session = await ort.InferenceSession.create(workerData.modelBytes, workerData.options);
  parentPort.postMessage({ type: 'ready', inputNames: [...session.inputNames] });
} catch (e) {
  parentPort.postMessage({ type: 'error', id: null, message: e instanceof Error ? e.message : String(e) });
}

parentPort.on('message', async (m) => {
  if (m.type !== 'run' || !session) return;
  try {
    const out = await session.run({
      [inputs.userIdx]: new ort.Tensor('int64', m.users, [m.n]),
      [inputs.tokenIds]: new ort.Tensor('int64', m.tokens, [m.n, m.maxTokens]),
      [inputs.tokenWeights]: new ort.Tensor('float32', m.weights, [m.n, m.maxTokens]),
      [inputs.k]: new ort.Tensor('int64', new BigInt64Array([BigInt(m.k)]), [1]),
    });
    // Copies (n x k values): the tensors' memory belongs to onnxruntime. Item indices go back as
    // int32 (a catalogue has far fewer than 2^31 items), so the main thread converts no BigInts;
    // both buffers are transferred, not cloned.
    const idx = out[outputs.indices].data;
    const indices = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) indices[i] = Number(idx[i]);
    const scores = out[outputs.scores].data.slice();
    parentPort.postMessage({ type: 'result', id: m.id, indices, scores }, [indices.buffer, scores.buffer]);
  } catch (e) {
    parentPort.postMessage({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
  }
});
