import React from 'react';
import { useTheme } from '@material-ui/core/styles';

export interface SparklineProps {
  values: number[];
  /** Accessible description of what the line shows. */
  label: string;
  width?: number;
  height?: number;
  /** Fixed vertical range; defaults to the values' own range. */
  min?: number;
  max?: number;
  color?: string;
  /** Draw a dashed horizontal reference line at this value (e.g. 0 budget left). */
  reference?: number;
}

/** A small inline SVG line chart. Renders nothing but its label when there are fewer than 2 points. */
export function Sparkline(props: SparklineProps) {
  const theme = useTheme();
  const { values, label, width = 160, height = 36, color = theme.palette.primary.main, reference } = props;
  if (values.length < 2) {
    return (
      <span role="img" aria-label={`${label}: not enough history yet`} style={{ color: theme.palette.text.secondary, fontSize: '0.8rem' }}>
        not enough history yet
      </span>
    );
  }
  const lo = props.min ?? Math.min(...values, ...(reference !== undefined ? [reference] : []));
  const hi = props.max ?? Math.max(...values, ...(reference !== undefined ? [reference] : []));
  const span = hi - lo || 1;
  const pad = 2;
  const x = (i: number) => pad + (i * (width - 2 * pad)) / (values.length - 1);
  const y = (v: number) => pad + (height - 2 * pad) * (1 - (v - lo) / span);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = values[values.length - 1];
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} style={{ width: '100%', maxWidth: width, height: 'auto' }} data-points={values.length}>
      <title>{label}</title>
      {reference !== undefined && reference >= lo && reference <= hi && (
        <line x1={pad} x2={width - pad} y1={y(reference)} y2={y(reference)} stroke={theme.palette.error.main} strokeDasharray="3 3" strokeWidth={1} />
      )}
      <polyline points={points} fill="none" stroke={color} strokeWidth={1.5} strokeLinejoin="round" />
      <circle cx={x(values.length - 1)} cy={y(last)} r={2.5} fill={color} />
    </svg>
  );
}
