import { describe, expect, it } from 'vitest';
import { formatBurnRate, formatBytes, formatObjective, formatPercent, formatQualityImpact, formatSeconds } from './format';
import { meanGpuUtilization, minBudgetRemaining, serviceSloState, sloStateOf } from './sloState';
import { makeGpu, makeGpuDevice, makeNoGpu, makeSlo } from '../../__fixtures__/controller';

describe('format helpers', () => {
  it('render ratios, objectives, burn rates, bytes and durations the way SREs read them', () => {
    expect(formatPercent(0.9995, 3)).toBe('99.95%');
    expect(formatPercent(0.6, 0)).toBe('60%');
    expect(formatObjective(0.999)).toBe('99.9%');
    expect(formatObjective(0.99995)).toBe('99.995%');
    expect(formatBurnRate(14.4)).toBe('14.4×');
    expect(formatBurnRate(0.8)).toBe('0.80×');
    expect(formatBytes(6 * 1024 ** 3)).toBe('6.0 GiB');
    expect(formatSeconds(14.5)).toBe('14.5s');
    expect(formatSeconds(75)).toBe('1m 15s');
    expect(formatSeconds(3700)).toBe('1h 1m');
    expect(formatQualityImpact(0.97)).toBe('-3.0% NDCG@10');
    expect(formatQualityImpact(1)).toBe('no change');
  });

  it('render a missing figure as a dash, never as zero', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatBurnRate(undefined)).toBe('—');
    expect(formatBytes(null)).toBe('—');
    expect(formatSeconds(null)).toBe('—');
    expect(formatQualityImpact(null)).toBe('—');
  });
});

describe('SLO state', () => {
  it('is breaching when attainment is under the objective, the budget is spent or the burn rate pages', () => {
    expect(sloStateOf(makeSlo({ attainment: 0.998 }))).toBe('breaching');
    expect(sloStateOf(makeSlo({ errorBudgetRemaining: -0.1 }))).toBe('breaching');
    expect(sloStateOf(makeSlo({ burnRate: 6 }))).toBe('breaching');
  });

  it('is at risk when burning at or above the lowest ticket threshold', () => {
    expect(sloStateOf(makeSlo({ burnRate: 1 }))).toBe('at risk');
    expect(sloStateOf(makeSlo({ burnRate: 0.99 }))).toBe('meeting');
  });

  it('is no data when nothing was measured, and a service takes its worst SLO', () => {
    const empty = makeSlo({ attainment: null, errorBudgetRemaining: null, burnRate: null });
    expect(sloStateOf(empty)).toBe('no data');
    expect(serviceSloState([empty, makeSlo(), makeSlo({ burnRate: 3 })])).toBe('at risk');
    expect(serviceSloState([])).toBe('no data');
  });

  it('takes the smallest budget left and averages only real GPU readings', () => {
    expect(minBudgetRemaining([makeSlo({ errorBudgetRemaining: 0.5 }), makeSlo({ errorBudgetRemaining: null }), makeSlo({ errorBudgetRemaining: 0.2 })])).toBe(0.2);
    expect(minBudgetRemaining([makeSlo({ errorBudgetRemaining: null })])).toBeNull();
    expect(meanGpuUtilization(makeGpu())).toBeCloseTo(0.66);
    expect(meanGpuUtilization(makeGpu({ devices: [makeGpuDevice({ utilization: null })] }))).toBeNull();
    expect(meanGpuUtilization(makeNoGpu())).toBeNull();
  });
});
