import { formattedValueToString, getValueFormat } from '@grafana/data';

/** Shown wherever a figure is missing; views never invent a number. */
export const NO_VALUE = '—';

export function fmt(value: number | null | undefined, unit: string, decimals?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return NO_VALUE;
  }
  return formattedValueToString(getValueFormat(unit)(value, decimals));
}

export const fmtSeconds = (v: number | null | undefined) => fmt(v, 's', 1);
export const fmtPercent = (v: number | null | undefined, decimals = 2) => fmt(v, 'percentunit', decimals);

export function fmtBurn(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) {
    return NO_VALUE;
  }
  return `${v >= 10 ? v.toFixed(1) : v.toFixed(2)}×`;
}

/** An objective's value in its own unit: ratios as percentages, ms and s as durations. */
export function fmtObjective(value: number | null, unit: string): string {
  switch (unit) {
    case 'ratio':
      return fmtPercent(value, 2);
    case 'ms':
      return value !== null && Math.abs(value) >= 1000 ? fmt(value, 'ms', 2) : fmt(value, 'ms', 0);
    case 's':
      return value === null || !Number.isFinite(value) ? NO_VALUE : `${Math.round(value * 10) / 10} s`;
    default:
      return fmt(value, 'none', 2);
  }
}

export function fmtTime(epochMs: number | null): string {
  if (epochMs === null) {
    return NO_VALUE;
  }
  return new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
