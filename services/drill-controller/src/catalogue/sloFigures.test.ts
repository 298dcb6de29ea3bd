import { describe, expect, it } from 'vitest';
import { CounterTracker, SloHistory } from './history.js';
import { errorRatio, observedFigures } from './sloFigures.js';

const MIN = 60_000;

describe('observed SLO figures', () => {
  it('gives attainment, budget remaining and burn rate over what was observed', () => {
    const h = new SloHistory();
    h.add(0, 0, 0);
    // 10 minutes at 100 req/min, 1 bad in 1000 over the first 5, 5 bad in 500 over the last 5.
    for (let m = 1; m <= 5; m++) h.add(m * MIN, 100 - (m === 3 ? 1 : 0), 100);
    for (let m = 6; m <= 10; m++) h.add(m * MIN, 99, 100);
    const f = observedFigures({ objective: 0.99, form: 'good' }, h, 5000);
    expect(f.attainment).toBeCloseTo(1 - 6 / 1000, 6);
    expect(f.errorBudgetRemaining).toBeCloseTo(1 - 0.006 / 0.01, 6);
    expect(f.burnRate).toBeCloseTo(0.01 / 0.01, 6);
    expect(f.burnRateWindow).toBe('5m');
    expect(f.burnRates.find((b) => b.window === '1h')?.value).toBeNull();
    expect(f.observedMs).toBe(10 * MIN);
    expect(f.budgetHistory.at(-1)?.remaining).toBeCloseTo(0.4, 6);
  });

  it('has no figure before there is a window with traffic in it', () => {
    const h = new SloHistory();
    expect(observedFigures({ objective: 0.999, form: 'good' }, h, 5000).attainment).toBeNull();
    h.add(0, 0, 0);
    expect(observedFigures({ objective: 0.999, form: 'good' }, h, 5000).attainment).toBeNull();
    h.add(5000, 0, 0);
    const f = observedFigures({ objective: 0.999, form: 'good' }, h, 5000);
    expect([f.attainment, f.errorBudgetRemaining, f.burnRate]).toEqual([null, null, null]);
  });

  it('uses the observed span for the burn rate until five minutes have been seen, and says so', () => {
    const h = new SloHistory();
    h.add(0, 0, 0);
    h.add(30_000, 2, 100); // "bad" form: 2 fallback answers in 100
    const f = observedFigures({ objective: 0.99, form: 'bad' }, h, 5000);
    expect(f.burnRate).toBeCloseTo(2, 6);
    expect(f.burnRateWindow).toBe('30 s');
    expect(errorRatio(h.points[0], h.points[1], 'bad')).toBeCloseTo(0.02, 9);
  });

  it('counts a counter that went down as reset by a restart, not as negative traffic', () => {
    const c = new CounterTracker();
    expect(c.increase('r0', 500)).toBe(0);
    expect(c.increase('r0', 560)).toBe(60);
    expect(c.increase('r0', 12)).toBe(12);
    expect(c.increase('r0', 20)).toBe(8);
  });

  it('finds the point at the start of a window by binary search, within a tolerance at the edge', () => {
    const h = new SloHistory();
    for (let t = 10_000; t <= 600_000; t += 5000) h.add(t, t, t);
    expect(h.at(300_000, 0)?.t).toBe(300_000);
    expect(h.at(302_500, 0)?.t).toBe(300_000);
    expect(h.at(5_000, 0)).toBeNull();
    expect(h.at(5_000, 5000)?.t).toBe(10_000);
  });
});
