// Bad model deploy — load for the `bad-model-deploy` drill (runbooks/bad-model-deploy.yaml).
// Hypothesis: a signed model with corrupted weights keeps serving within SLO while ranking quality exposes it and it is rolled back.
// The drill engine injects the fault at the start of the `fault` phase; this script drives the
// open-model load per phase and checks the SLO thresholds of lib/drills.js "bad-model-deploy".
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e SESSIONS_FILE=<load sessions JSON> \
//     [-e PROFILE=smoke|average|peak|stress|spike|soak | -e LOAD_PLAN='[...]'] load-tests/scenarios/bad-model-deploy.js
import { drillOptions } from '../lib/options.js';
import { readySetup } from '../lib/setup.js';
import { recommend as recommendFlow } from '../lib/flows.js';
import { writeSummary } from '../lib/summary.js';

export const options = drillOptions('bad-model-deploy', __ENV);

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
