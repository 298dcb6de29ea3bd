/**
 * Load thresholds for a runbook without a k6 scenario: derived from its objectives, so the load's
 * pass/fail (k6 semantics, exit 99) agrees with the scorecard. Runbooks with a scenario use the
 * scenario's own thresholds (the same ones the k6 script declares).
 */
import type { LoadPhaseName, Objective } from '@drillbook/contracts';
import type { ThresholdMap } from '../load/index.js';

const metricFor = (base: string, phase: Objective['phase']) => (phase && phase !== 'drill' ? `${base}{scenario:${phase}}` : base);

export function thresholdsFromObjectives(objectives: Objective[], phases: readonly LoadPhaseName[]): ThresholdMap {
  const t: ThresholdMap = {};
  const add = (metric: string, expr: string) => (t[metric] ??= []).includes(expr) || t[metric].push(expr);
  // A permissive threshold on every per-phase sub-metric, so each appears in the summary.
  for (const p of phases) {
    add(`http_req_duration{scenario:${p}}`, 'max>=0');
    add(`http_req_failed{scenario:${p}}`, 'rate>=0');
  }
  for (const o of objectives) {
    const m = /^latency_p(50|95|99)_ms$/.exec(o.sli);
    if (m && o.op === '<=') add(metricFor('http_req_duration', o.phase), `p(${m[1]})<=${o.target}`);
    else if (o.sli === 'availability' && o.op === '>=') add(metricFor('http_req_failed', o.phase), `rate<=${+(1 - o.target).toFixed(6)}`);
    else if (o.sli === 'error_rate' && o.op === '<=') add(metricFor('http_req_failed', o.phase), `rate<=${o.target}`);
    else if (o.sli === 'failed_requests' && o.op === '<=' && o.target === 0) add(metricFor('http_req_failed', o.phase), 'rate<=0');
    else if (o.sli === 'degraded_share' && o.op === '<=') add(metricFor('recsys_degraded', o.phase), `rate<=${o.target}`);
  }
  return t;
}
