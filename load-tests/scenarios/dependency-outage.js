// Feature-store outage and slow dependency — load for the `dependency-outage` drill (runbooks/dependency-outage.yaml).
// Hypothesis: deadlines and the fallback keep p99 within SLO while the feature lookup fails or slows down.
// The drill engine injects the fault at the start of the `fault` phase; this script drives the
// open-model load per phase and checks the SLO thresholds of lib/drills.js "dependency-outage".
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e SESSIONS_FILE=<load sessions JSON> \
//     [-e PROFILE=smoke|average|peak|stress|spike|soak | -e LOAD_PLAN='[...]'] load-tests/scenarios/dependency-outage.js
import { drillOptions } from '../lib/options.js';
import { readySetup } from '../lib/setup.js';
import { recommend as recommendFlow } from '../lib/flows.js';
import { writeSummary } from '../lib/summary.js';

export const options = drillOptions('dependency-outage', __ENV);

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
