// Model store down during a rolling deploy — load for the `model-store-down-deploy` drill (runbooks/model-store-down-deploy.yaml).
// Hypothesis: with the model store down, a rolling deploy stops and rolls back, every replica keeps serving the verified old version and a restarted replica comes back from its cache, within SLO.
// The drill engine injects the fault at the start of the `fault` phase; this script drives the
// open-model load per phase and checks the SLO thresholds of lib/drills.js "model-store-down-deploy".
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e SESSIONS_FILE=<load sessions JSON> \
//     [-e PROFILE=smoke|average|peak|stress|spike|soak | -e LOAD_PLAN='[...]'] load-tests/scenarios/model-store-down-deploy.js
import { drillOptions } from '../lib/options.js';
import { readySetup } from '../lib/setup.js';
import { recommend as recommendFlow } from '../lib/flows.js';
import { writeSummary } from '../lib/summary.js';

export const options = drillOptions('model-store-down-deploy', __ENV);

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
