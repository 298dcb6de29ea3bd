// Data drift — load for the `data-drift` drill (runbooks/data-drift.yaml).
// Hypothesis: when the query/user mix drifts from training, drift detection fires and serving stays within SLO.
// Here the load itself is the fault: the `fault` phase draws the `drifted` query/user mix of the
// sessions file (categories and segments shifted away from training); the other phases draw the
// training mix. Thresholds: the SLOs of lib/drills.js "data-drift".
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e SESSIONS_FILE=<load sessions JSON> \
//     [-e PROFILE=smoke|average|peak|stress|spike|soak | -e LOAD_PLAN='[...]'] load-tests/scenarios/data-drift.js
import { drillOptions } from '../lib/options.js';
import { readySetup } from '../lib/setup.js';
import { recommend as recommendFlow } from '../lib/flows.js';
import { writeSummary } from '../lib/summary.js';

export const options = drillOptions('data-drift', __ENV);

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
