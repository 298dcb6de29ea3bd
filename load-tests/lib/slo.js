// Thresholds that mirror a drill's SLOs, in k6 syntax. Pure data in, pure data out: the k6 scripts
// put the result in `options.thresholds`, and Drillbook's built-in load engine evaluates the very
// same map, so both engines report the same thresholds.
import { LOAD_METRIC } from './constants.js';

/**
 * @typedef {'baseline' | 'fault' | 'recovery'} PhaseName
 * @typedef {Object} SloSpec
 * @property {number} [availability] share of requests that must succeed over the whole run, e.g. 0.999
 * @property {Partial<Record<PhaseName, number>>} [phaseAvailability] the same, per phase
 * @property {number} [p99Ms] p99 latency of every request, ms
 * @property {number} [admittedP99Ms] p99 latency of successful (admitted) requests only, ms — for drills where shedding is the expected answer
 * @property {Partial<Record<PhaseName, number>>} [maxDegradedShare] most answers that may come from the fallback, per phase
 */

/** @typedef {Record<string, string[]>} ThresholdMap */

/** The service's default SLO (services/contracts SLO spec): 99.9% availability, p99 under 250 ms. */
export const DEFAULT_SLO = Object.freeze({ availability: 0.999, p99Ms: 250 });

/** @param {number} x */
function num(x) {
  return Number(x.toPrecision(6));
}

/**
 * @param {ThresholdMap} map
 * @param {string} key
 * @param {string} expr
 */
function add(map, key, expr) {
  if (!map[key]) map[key] = [];
  map[key].push(expr);
}

/**
 * Thresholds for an SLO spec over the given phases. Besides the real objectives, every per-phase
 * sub-metric gets a permissive threshold so that k6 puts it in the summary (k6 only computes
 * sub-metrics that a threshold names).
 * @param {SloSpec} slo
 * @param {readonly PhaseName[]} phases
 * @returns {ThresholdMap}
 */
export function sloThresholds(slo, phases) {
  /** @type {ThresholdMap} */
  const t = {};
  if (slo.availability !== undefined) add(t, 'http_req_failed', `rate<${num(1 - slo.availability)}`);
  if (slo.p99Ms !== undefined) add(t, 'http_req_duration', `p(99)<${slo.p99Ms}`);
  if (slo.admittedP99Ms !== undefined) add(t, 'http_req_duration{expected_response:true}', `p(99)<${slo.admittedP99Ms}`);
  for (const phase of phases) {
    const a = slo.phaseAvailability ? slo.phaseAvailability[phase] : undefined;
    if (a !== undefined) add(t, `http_req_failed{scenario:${phase}}`, `rate<${num(1 - a)}`);
    const d = slo.maxDegradedShare ? slo.maxDegradedShare[phase] : undefined;
    if (d !== undefined) add(t, `${LOAD_METRIC.degraded}{scenario:${phase}}`, `rate<=${num(d)}`);
  }
  for (const phase of phases) {
    /** @type {Array<[string, string]>} */
    const permissive = [
      [`http_req_duration{scenario:${phase}}`, 'max>=0'],
      [`http_req_failed{scenario:${phase}}`, 'rate>=0'],
      [`${LOAD_METRIC.degraded}{scenario:${phase}}`, 'rate>=0'],
      [`${LOAD_METRIC.ndcg}{scenario:${phase}}`, 'max>=0'],
    ];
    for (const [key, expr] of permissive) if (!t[key]) add(t, key, expr);
  }
  return t;
}
