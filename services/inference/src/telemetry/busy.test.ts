import { describe, expect, it } from 'vitest';
import { BusyMeter } from './busy.js';

describe('inference busy meter', () => {
  it('reports the share of the window with a run in flight, overlapping runs counted once', () => {
    let t = 0;
    const m = new BusyMeter(1000, () => t);
    t = 1000;
    m.begin();
    t = 1200;
    m.begin();
    t = 1300;
    m.end();
    t = 1500;
    m.end();
    t = 2000;
    expect(m.ratio()).toBeCloseTo(0.5);
    t = 2600; // the busy interval has mostly left the window
    expect(m.ratio()).toBeCloseTo(0);
  });
});
