/**
 * "This counter counted in the last 10 minutes", for event counters. The reference services create
 * the label values they know at 0 when they start (so `increase()` sees the first event), but a
 * series whose labels only exist from its first event (an unforeseen reason, a version) starts at 1,
 * which `increase()` cannot see: a series absent 10 minutes ago counts too — only where this
 * Prometheus was already scraping the target then (`up offset 10m`). Without that guard a Prometheus
 * started after the event (a restart, a fresh one per drill) would take every old series for a new
 * event and fire on all of them.
 */
export function countedIn10m(selector: string, by: readonly string[]): string {
  return (
    `sum by (${by.join(', ')}) (\n` +
    `  ((${selector} unless ${selector} offset 10m) and on(job, instance) (up offset 10m))\n` +
    `  or\n` +
    `  increase(${selector}[10m])\n` +
    `) > 0\n`
  );
}
