import React from 'react';
import { useTheme2 } from '@grafana/ui';
import { BURN_RATE_ALERTS } from '@drillbook/contracts';
import { TEST_IDS } from '../../constants';
import { fmtBurn } from '../../format/format';

/** Ticket thresholds (3d and 1d windows) and page thresholds (6h and 1h windows), lowest first. */
export const TICKET_THRESHOLDS = BURN_RATE_ALERTS.filter((a) => a.severity === 'ticket').map((a) => a.burnRate).sort((a, b) => a - b);
export const PAGE_THRESHOLDS = BURN_RATE_ALERTS.filter((a) => a.severity === 'page').map((a) => a.burnRate).sort((a, b) => a - b);

export type BurnBand = 'ok' | 'ticket' | 'page' | 'unknown';

/** Where a burn rate sits against the alert thresholds. */
export function burnBand(v: number | null): BurnBand {
  if (v === null) {
    return 'unknown';
  }
  if (v >= PAGE_THRESHOLDS[0]) {
    return 'page';
  }
  if (v >= TICKET_THRESHOLDS[0]) {
    return 'ticket';
  }
  return 'ok';
}

interface Props {
  value: number | null;
  label: string;
  size?: number;
}

/**
 * A half-circle gauge of a burn rate on a log scale (so 1× and 14.4× are both legible), with tick
 * marks at the ticket and page thresholds. Drawn in SVG: @grafana/ui's Gauge needs jQuery flot,
 * which only Grafana itself provides.
 */
export function BurnGauge({ value, label, size = 140 }: Props) {
  const theme = useTheme2();
  const max = Math.max(20, value !== null ? value * 1.25 : 0);
  const scale = (v: number) => Math.log1p(Math.max(0, v)) / Math.log1p(max);
  const r = size / 2 - 10;
  const cx = size / 2;
  const cy = size / 2 + 4;
  const point = (f: number, radius = r) => {
    const a = Math.PI * (1 - f);
    return [cx + radius * Math.cos(a), cy - radius * Math.sin(a)] as const;
  };
  const arc = (from: number, to: number, radius = r) => {
    const [x1, y1] = point(from, radius);
    const [x2, y2] = point(to, radius);
    return `M ${x1} ${y1} A ${radius} ${radius} 0 0 1 ${x2} ${y2}`;
  };
  const color = (v: number) => {
    const band = burnBand(v);
    return band === 'page' ? theme.colors.error.main : band === 'ticket' ? theme.colors.warning.main : theme.colors.success.main;
  };
  const bands: Array<[number, number, string]> = [
    [0, TICKET_THRESHOLDS[0], theme.colors.success.transparent],
    [TICKET_THRESHOLDS[0], PAGE_THRESHOLDS[0], theme.colors.warning.transparent],
    [PAGE_THRESHOLDS[0], max, theme.colors.error.transparent],
  ];
  const ticks = [...TICKET_THRESHOLDS.map((t) => ({ t, kind: 'ticket' })), ...PAGE_THRESHOLDS.map((t) => ({ t, kind: 'page' }))];
  const band = burnBand(value);
  return (
    <svg
      width={size}
      height={size / 2 + 34}
      viewBox={`0 0 ${size} ${size / 2 + 34}`}
      role="img"
      aria-label={`${label}: ${fmtBurn(value)} (${band})`}
      data-testid={TEST_IDS.sloBudget.burnGauge}
      data-band={band}
    >
      {bands.map(([from, to, c]) => (
        <path key={from} d={arc(scale(from), scale(to))} stroke={c} strokeWidth={12} fill="none" />
      ))}
      {value !== null && <path d={arc(0, Math.min(1, scale(value)), r)} stroke={color(value)} strokeWidth={6} fill="none" strokeLinecap="round" />}
      {ticks.map(({ t, kind }) => {
        const [x1, y1] = point(scale(t), r - 9);
        const [x2, y2] = point(scale(t), r + 7);
        const [tx, ty] = point(scale(t), r - 20);
        return (
          <g key={t}>
            <line x1={x1} y1={y1} x2={x2} y2={y2} stroke={kind === 'page' ? theme.colors.error.text : theme.colors.warning.text} strokeWidth={2} />
            <text x={tx} y={ty} fontSize={9} textAnchor="middle" fill={theme.colors.text.secondary}>
              {t}
            </text>
          </g>
        );
      })}
      <text x={cx} y={cy - 6} fontSize={18} fontWeight={600} textAnchor="middle" fill={value === null ? theme.colors.text.secondary : color(value)}>
        {fmtBurn(value)}
      </text>
      <text x={cx} y={cy + 14} fontSize={11} textAnchor="middle" fill={theme.colors.text.secondary}>
        {label}
      </text>
      <text x={cx} y={cy + 28} fontSize={10} textAnchor="middle" fill={theme.colors.text.secondary}>
        {band === 'page' ? 'page threshold crossed' : band === 'ticket' ? 'ticket threshold crossed' : band === 'ok' ? 'within budget' : 'no data'}
      </text>
    </svg>
  );
}
