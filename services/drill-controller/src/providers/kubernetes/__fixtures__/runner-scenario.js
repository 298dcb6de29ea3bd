// A k6 scenario for the merge tests (ES2017 for k6 v0.48): three phases as scenarios, one runner's
// share of the load. Each runner writes its handleSummary JSON to SUMMARY_FILE, as a k6-operator
// runner does on the shared output volume.
import http from 'k6/http';
const BASE_URL = __ENV.BASE_URL;
const phase = (startTime) => ({ executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '1s', startTime, preAllocatedVUs: 5, maxVUs: 20, exec: 'recommend' });
export const options = {
  scenarios: { baseline: phase('0s'), fault: phase('1s'), recovery: phase('2s') },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
  thresholds: {
    http_req_failed: ['rate<0.1'],
    http_req_duration: ['p(95)<1000'],
    'http_req_duration{scenario:fault}': ['max>=0'],
  },
};
export function recommend() {
  http.post(`${BASE_URL}/v1/recommend`, JSON.stringify({ userId: 'u-1', k: 10 }), { headers: { 'content-type': 'application/json' }, tags: { name: 'recommend' } });
}
export function handleSummary(data) {
  const out = {};
  out[__ENV.SUMMARY_FILE] = JSON.stringify(data);
  return out;
}
