// Worker thread that publishes a derived model version (see publishOffThread in publish.ts).
// TypeScript hooks are per thread, so register tsx here first.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { publishDerivedModel } = await import('./publish.ts');
try {
  parentPort.postMessage({ ok: true, manifest: await publishDerivedModel(workerData) });
} catch (e) {
  parentPort.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
}
