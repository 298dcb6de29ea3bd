/**
 * The model that the generated promtool tests take their expectations from, checked against the
 * detection times the Google SRE Workbook gives for multiwindow multi-burn-rate alerts.
 */
import { describe, expect, it } from 'vitest';
import type { SloModel } from '../spec/model.js';
import { alertState, detection, errorRatio, eventsPerSecond, Traffic } from './burnRateModel.js';

const slo = (objective: number, minEventsPerSecond = 0.1): SloModel =>
  ({ id: 'x', objective, errorBudget: Number((1 - objective).toPrecision(12)), minEventsPerSecond }) as SloModel;

describe('burn-rate alert model', () => {
  it('pages within a minute of a total outage at 99.9%, as the Workbook says (0.86 min over a 1h window)', () => {
    const traffic = new Traffic([
      { minutes: 360, eventsPerMinute: 600, errorRatio: 0 },
      { minutes: 60, eventsPerMinute: 600, errorRatio: 1 },
    ]);
    expect(detection(slo(0.999), traffic, 360, 'page')).toEqual({ quietAt: 360, firingAt: 361 });
  });

  it('pages about 43 minutes into a 20x burn (60 min x 14.4 / 20), not earlier', () => {
    const traffic = new Traffic([
      { minutes: 360, eventsPerMinute: 600, errorRatio: 0 },
      { minutes: 120, eventsPerMinute: 600, errorRatio: 20 * 0.001 },
    ]);
    const found = detection(slo(0.999), traffic, 360, 'page')!;
    expect(found.firingAt - 360).toBeGreaterThanOrEqual(44);
    expect(found.firingAt - 360).toBeLessThanOrEqual(46);
    expect(found.quietAt - 360).toBeLessThanOrEqual(42);
  });

  it('never pages on a steady burn under 6x but opens a ticket over 1x', () => {
    const traffic = new Traffic([{ minutes: 600, eventsPerMinute: 600, errorRatio: 5 * 0.01 }]);
    for (const t of [30, 300, 600]) {
      expect(alertState(slo(0.99), traffic, t, 'page')).toBe('no');
      expect(alertState(slo(0.99), traffic, t, 'ticket')).toBe('yes');
    }
  });

  it('stays quiet under the minimum traffic however bad the ratio', () => {
    const traffic = new Traffic([{ minutes: 120, eventsPerMinute: 3, errorRatio: 1 }]);
    expect(alertState(slo(0.999, 0.1), traffic, 60, 'page')).toBe('no');
    expect(alertState(slo(0.999, 0.01), traffic, 60, 'page')).toBe('yes');
  });

  it('says unsure instead of guessing when a ratio is within 5% of its threshold', () => {
    const traffic = new Traffic([{ minutes: 120, eventsPerMinute: 600, errorRatio: 6.1 * 0.001 }]);
    expect(alertState(slo(0.999), traffic, 60, 'page')).toBe('unsure');
  });

  it('computes rates like Prometheus for windows that reach back before the first sample', () => {
    const traffic = new Traffic([{ minutes: 30, eventsPerMinute: 60, errorRatio: 0.5 }]);
    expect(errorRatio(traffic, 30, 360)).toBeCloseTo(0.5);
    // 1800 events seen, divided by the whole 6h range.
    expect(eventsPerSecond(traffic, 30, 360)).toBeCloseTo(1800 / 21600);
    expect(errorRatio(traffic, 0, 5)).toBeUndefined();
  });
});
