// Names shared with the rest of Drillbook. They mirror services/contracts (metrics.ts, load.ts,
// runbook.ts); k6 cannot import TypeScript, so a test checks that both stay equal.

/** Header that marks drill/load traffic (SLIs exclude it, scorecards measure exactly it). */
export const SYNTHETIC_HEADER = 'x-synthetic';
/** Header carrying the held-out ground-truth item ids of a request. */
export const GROUND_TRUTH_HEADER = 'x-ground-truth';

/** Custom metrics both load engines emit besides k6's built-ins. */
export const LOAD_METRIC = Object.freeze({
  degraded: 'recsys_degraded',
  ndcg: 'recsys_ndcg',
  schedLag: 'drillbook_schedule_lag',
  invalid: 'drillbook_response_invalid',
});

/** Load phases, in order; each runs as a k6 scenario of the same name (so samples carry `scenario:<phase>`). */
export const LOAD_PHASES = Object.freeze(['baseline', 'fault', 'recovery']);

/** Trend stats every summary carries (the drill engine reads p(99) and count). */
export const SUMMARY_TREND_STATS = Object.freeze(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count']);

/** Metadata key joining a request's samples (http_req_*, recsys_degraded, recsys_ndcg) in `--out json`. */
export const REQUEST_ID_METADATA = 'req';
