// The recommend flow: one request per iteration in the target's protocol (POST /v1/recommend by
// default; oip-v2 or json through lib/adapters.js), drawn from the held-out sessions (the phase's
// mix), with its ground truth so served quality is scored. A 2xx answer that does not fit the
// adapter counts in drillbook_response_invalid (tag `error` names the field): a failed request.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import { Rate, Trend } from 'k6/metrics';
import { GROUND_TRUTH_HEADER, LOAD_METRIC, REQUEST_ID_METADATA, SYNTHETIC_HEADER } from './constants.js';
import { ndcgAtK } from './ndcg.js';
import { resolveSessionsFile, scheduleLagMs } from './plan.js';
import { ADAPTER, BASE_URL, K, TIMEOUT } from './target.js';

/**
 * @typedef {{ userId: string, query: string, groundTruth: string[], category: string, segment: string, k?: number }} RequestTemplate
 */

const SESSIONS_FILE = resolveSessionsFile(__ENV.SESSIONS_FILE, __ENV.PWD);

/**
 * @param {'training' | 'drifted'} mix
 * @returns {RequestTemplate[]}
 */
function loadMix(mix) {
  const data = JSON.parse(open(/** @type {string} */ (SESSIONS_FILE)));
  const list = data[mix];
  if (!Array.isArray(list)) throw new Error(`${SESSIONS_FILE}: ${mix}: expected an array of request templates`);
  return list;
}

const pools = {
  training: new SharedArray('sessions:training', () => loadMix('training')),
  drifted: new SharedArray('sessions:drifted', () => loadMix('drifted')),
};

/** 2xx is success; anything else (and timeouts, connection errors) counts in http_req_failed. */
http.setResponseCallback(http.expectedStatuses({ min: 200, max: 299 }));

const degraded = new Rate(LOAD_METRIC.degraded);
const ndcg = new Trend(LOAD_METRIC.ndcg);
/** How late this iteration started against the arrival schedule (the generator's own health). */
const schedLag = new Trend(LOAD_METRIC.schedLag, true);

const invalid = new Rate(LOAD_METRIC.invalid);

/** One request of the phase's mix (the phase's scenario sets MIX). */
export function recommend() {
  const pool = __ENV.MIX === 'drifted' ? pools.drifted : pools.training;
  const n = exec.scenario.iterationInTest;
  const lag = scheduleLagMs(exec.scenario.startTime, n, Number(__ENV.RATE), Date.now());
  if (lag !== null) schedLag.add(lag);
  const t = /** @type {RequestTemplate} */ (pool[n % pool.length]);
  // Joins this request's samples in the --out json points (metadata, not a tag: no new series).
  exec.vu.metrics.metadata[REQUEST_ID_METADATA] = `${exec.scenario.name}:${n}`;
  const built = ADAPTER.build({ userId: t.userId, query: t.query, k: t.k || K });
  /** @type {Record<string, string>} */
  const headers = {};
  Object.keys(built.headers).forEach((h) => (headers[h] = built.headers[h]));
  headers[SYNTHETIC_HEADER] = 'true';
  headers[GROUND_TRUTH_HEADER] = t.groundTruth.join(',');
  const res = http.request(built.method, `${BASE_URL}${built.path}`, built.body, { headers, tags: { name: ADAPTER.name }, timeout: TIMEOUT });
  const ok = res.status >= 200 && res.status < 300;
  /** @type {{ itemIds: string[], degraded: boolean } | null} */
  let answer = null;
  let error = '';
  if (ok) {
    try {
      answer = ADAPTER.parse(typeof res.body === 'string' ? res.body : '');
    } catch (e) {
      error = /** @type {Error} */ (e).message;
    }
    if (answer) invalid.add(false);
    else invalid.add(true, { error });
  }
  check(res, { 'status is 2xx': () => ok, 'body fits the protocol': () => !ok || answer !== null });
  if (answer) {
    degraded.add(answer.degraded === true);
    const score = ndcgAtK(answer.itemIds, t.groundTruth, 10);
    if (score !== null) ndcg.add(score);
  }
  delete exec.vu.metrics.metadata[REQUEST_ID_METADATA];
}
