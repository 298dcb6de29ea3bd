// Overload (2x capacity) — load for the `overload` drill (runbooks/overload.yaml).
// Hypothesis: at twice the capacity, load shedding keeps the latency SLO for the traffic that is admitted.
// Here the load itself is the fault: the `fault` phase runs at twice the baseline rate (the
// `stress` profile, or the plan's fault rate). Shed requests fail fast and are expected; the
// latency threshold is on admitted (2xx) requests. Thresholds: lib/drills.js "overload".
//
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e SESSIONS_FILE=<load sessions JSON> \
//     [-e PROFILE=smoke|average|peak|stress|spike|soak | -e LOAD_PLAN='[...]'] load-tests/scenarios/overload.js
import { drillOptions } from '../lib/options.js';
import { readySetup } from '../lib/setup.js';
import { recommend as recommendFlow } from '../lib/flows.js';
import { writeSummary } from '../lib/summary.js';

export const options = drillOptions('overload', __ENV);

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
