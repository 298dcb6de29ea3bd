import React from 'react';
import { useTheme } from '@material-ui/core/styles';
import { formatBurnRate } from './format';

export interface BurnRateScaleProps {
  burnRate: number | null;
  /** Window of the current reading, e.g. "5m". */
  window?: string;
  thresholds: { page: number[]; ticket: number[] };
  width?: number;
}

const MIN = 0.1;

/**
 * Burn rate on a log scale with the multiwindow alerting thresholds marked (ticket in amber,
 * page in red), so a reader sees how far the current rate is from paging someone.
 */
export function BurnRateScale({ burnRate, window, thresholds, width = 240 }: BurnRateScaleProps) {
  const theme = useTheme();
  const marks = [
    ...thresholds.ticket.map(value => ({ value, kind: 'ticket' as const })),
    ...thresholds.page.map(value => ({ value, kind: 'page' as const })),
  ].sort((a, b) => a.value - b.value);
  const max = Math.max(20, ...marks.map(m => m.value * 1.3), (burnRate ?? 0) * 1.1);
  const pos = (v: number) => 4 + ((Math.log10(Math.max(v, MIN)) - Math.log10(MIN)) / (Math.log10(max) - Math.log10(MIN))) * (width - 8);
  const height = 34;
  const color = (kind: 'ticket' | 'page') => (kind === 'page' ? theme.palette.error.main : theme.palette.warning.main);
  const label =
    `burn rate ${formatBurnRate(burnRate)}${window ? ` over ${window}` : ''}; ` +
    `ticket at ${thresholds.ticket.map(t => `${t}×`).join(', ') || 'none'}; page at ${thresholds.page.map(t => `${t}×`).join(', ') || 'none'}`;
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} style={{ width: '100%', maxWidth: width, height: 'auto' }}>
      <title>{label}</title>
      <rect x={4} y={10} width={width - 8} height={6} rx={3} fill={theme.palette.divider} />
      {marks.map(m => (
        <g key={`${m.kind}-${m.value}`} data-threshold={m.kind}>
          <line x1={pos(m.value)} x2={pos(m.value)} y1={6} y2={20} stroke={color(m.kind)} strokeWidth={2} />
          <text x={pos(m.value)} y={31} fontSize={9} textAnchor="middle" fill={color(m.kind)}>
            {m.value}×
          </text>
        </g>
      ))}
      {burnRate !== null && (
        <path
          data-testid="burn-rate-marker"
          d={`M ${pos(burnRate) - 5} 1 L ${pos(burnRate) + 5} 1 L ${pos(burnRate)} 9 Z`}
          fill={theme.palette.text.primary}
        />
      )}
    </svg>
  );
}
