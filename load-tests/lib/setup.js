// setup(): fail fast when the target is not ready, before any phase starts.
import http from 'k6/http';
import exec from 'k6/execution';
import { BASE_URL, READINESS_PATHS } from './target.js';

/**
 * Every readiness path of the target's protocol (GET /readyz for drillbook; /v2/health/ready and
 * the model's /ready for oip-v2) must answer 200; otherwise the test is aborted with the reason.
 */
export function readySetup() {
  for (let i = 0; i < READINESS_PATHS.length; i++) {
    const url = `${BASE_URL}${READINESS_PATHS[i]}`;
    const res = http.get(url, { timeout: '5s', tags: { name: 'readyz' } });
    if (res.status !== 200) {
      const why = res.error ? res.error : `HTTP ${res.status}`;
      exec.test.abort(`target not ready: GET ${url} -> ${why}`);
    }
  }
}
