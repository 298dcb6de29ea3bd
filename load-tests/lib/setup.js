// setup(): fail fast when the target is not ready, before any phase starts.
import http from 'k6/http';
import exec from 'k6/execution';
import { BASE_URL } from './target.js';

/** GET /readyz of the gateway must answer 200; otherwise the test is aborted with the reason. */
export function readySetup() {
  const url = `${BASE_URL}/readyz`;
  const res = http.get(url, { timeout: '5s', tags: { name: 'readyz' } });
  if (res.status !== 200) {
    const why = res.error ? res.error : `HTTP ${res.status}`;
    exec.test.abort(`target not ready: GET ${url} -> ${why}`);
  }
}
