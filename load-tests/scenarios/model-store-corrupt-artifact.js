// Corrupted artefact in the model store — load for the `model-store-corrupt-artifact` drill (runbooks/model-store-corrupt-artifact.yaml).
// Hypothesis: a corrupted store artefact is refused by sha256, no replica serves it and serving continues on the verified version within SLO.
// The drill engine injects the fault at the start of the `fault` phase; this script drives the
// open-model load per phase and checks the SLO thresholds of lib/drills.js "model-store-corrupt-artifact".
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e SESSIONS_FILE=<load sessions JSON> \
//     [-e PROFILE=smoke|average|peak|stress|spike|soak | -e LOAD_PLAN='[...]'] load-tests/scenarios/model-store-corrupt-artifact.js
import { drillOptions } from '../lib/options.js';
import { readySetup } from '../lib/setup.js';
import { recommend as recommendFlow } from '../lib/flows.js';
import { writeSummary } from '../lib/summary.js';

export const options = drillOptions('model-store-corrupt-artifact', __ENV);

export function setup() {
  readySetup();
}

export function recommend() {
  recommendFlow();
}

/** @param {any} data */
export function handleSummary(data) {
  return writeSummary(data);
}
