// Model-load failure / cold start — load for the `model-load-failure` drill (runbooks/model-load-failure.yaml).
// Hypothesis: when the model cannot load, the popularity fallback serves every request, marked degraded.
// The drill engine injects the fault at the start of the `fault` phase; this script drives the
// open-model load per phase and checks the SLO thresholds of lib/drills.js "model-load-failure".
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e SESSIONS_FILE=<load sessions JSON> \
//     [-e PROFILE=smoke|average|peak|stress|spike|soak | -e LOAD_PLAN='[...]'] load-tests/scenarios/model-load-failure.js
import { drillOptions } from '../lib/options.js';
import { readySetup } from '../lib/setup.js';
import { recommend as recommendFlow } from '../lib/flows.js';
import { writeSummary } from '../lib/summary.js';

export const options = drillOptions('model-load-failure', __ENV);

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
