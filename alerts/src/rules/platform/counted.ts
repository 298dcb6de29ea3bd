/**
 * "This counter counted in the last 10 minutes", for event counters. The reference services create
 * the label values they know at 0 when they start (so `increase()` sees the first event), but a
 * series whose labels only exist from its first event (an unforeseen reason, a version) starts at 1,
 * which `increase()` cannot see: a series absent 10 minutes ago counts too — only where this
 * Prometheus was already scraping the target then (`up offset 10m`). Without that guard a Prometheus
 * started after the event (a restart, a fresh one per drill) would take every old series for a new
 * event and fire on all of them.
 */
import type { AlertCase, InputSeries } from './types.js';

export function countedIn10m(selector: string, by: readonly string[]): string {
  return (
    `sum by (${by.join(', ')}) (\n` +
    `  ((${selector} unless ${selector} offset 10m) and on(job, instance) (up offset 10m))\n` +
    `  or\n` +
    `  increase(${selector}[10m])\n` +
    `) > 0\n`
  );
}

/** What the shared promtool cases of a `countedIn10m` alert are about. */
export interface CountedCases {
  /** The counter series as the alert sees it (promtool notation), and the `up` series of its target. */
  series: string;
  up: string;
  /** Labels of the firing alert. */
  labels: Record<string, string>;
  /** Sentences naming the event: "the first rollback", "a gateway that first shows a rollback series at its first rollback", "an old rollback". */
  first: string;
  firstSeen: string;
  old: string;
  /** Other series every case carries (for example a sibling label value that must not fire). */
  beside?: InputSeries[];
}

/**
 * The three behaviours every `countedIn10m` alert must show: the first event on a series created at 0
 * fires at once; so does the first event of a series only created by it; and a Prometheus started
 * after an old event stays quiet (what a fresh Prometheus per drill needs).
 */
export function countedCases(c: CountedCases): AlertCase[] {
  const up = { series: c.up, values: '1x40' };
  const beside = c.beside ?? [];
  const fires = [
    { at: '10m', firing: [] },
    { at: '16m', firing: [{ labels: c.labels, value: 1 }] },
  ];
  return [
    { name: `${c.first} fires at once`, series: [up, ...beside, { series: c.series, values: '0x15 1x20' }], checks: fires },
    { name: `${c.firstSeen} fires too`, series: [up, ...beside, { series: c.series, values: '_x15 1x20' }], checks: fires },
    {
      name: `a Prometheus started after ${c.old} stays quiet`,
      series: [{ series: c.up, values: '_x20 1x20' }, { series: c.series, values: '_x20 1x20' }],
      checks: [
        { at: '22m', firing: [] },
        { at: '35m', firing: [] },
      ],
    },
  ];
}
