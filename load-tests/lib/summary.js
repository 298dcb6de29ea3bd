// handleSummary(): write k6's summary data object as JSON where the drill engine reads it
// (SUMMARY_FILE), and print a few lines instead of k6's default end-of-test text.

/**
 * @param {any} data the summary data object k6 passes to handleSummary
 * @returns {string}
 */
export function summaryLines(data) {
  const m = data.metrics || {};
  const reqs = m.http_reqs ? m.http_reqs.values.count : 0;
  const failed = m.http_req_failed ? m.http_req_failed.values.rate : 0;
  const p99 = m.http_req_duration ? m.http_req_duration.values['p(99)'] : null;
  const crossed = [];
  for (const name of Object.keys(m)) {
    const th = m[name].thresholds || {};
    for (const expr of Object.keys(th)) if (!th[expr].ok) crossed.push(`${name} ${expr}`);
  }
  const lines = [
    `requests=${reqs} failed=${(failed * 100).toFixed(2)}% p99=${p99 === null ? 'n/a' : `${p99.toFixed(1)}ms`}`,
    crossed.length === 0 ? 'thresholds: all passed' : `thresholds crossed: ${crossed.join('; ')}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** @param {any} data */
export function writeSummary(data) {
  const file = __ENV.SUMMARY_FILE || 'summary.json';
  return { [file]: JSON.stringify(data, null, 2), stdout: summaryLines(data) };
}
