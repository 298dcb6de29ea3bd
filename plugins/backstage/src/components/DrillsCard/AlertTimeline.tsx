import React from 'react';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import type { AlertTimelineEntry, DetectionFindings, Scorecard } from '@drillbook/contracts';
import { MISSING } from '../common/format';

/** What the timeline reads from a scorecard (older scorecards have no `detection`). */
export type AlertTimelineScorecard = Pick<Scorecard, 'drillId' | 'series' | 'faultWindows' | 'detection' | 'timeToDetectS' | 'detectedBy'>;

/** "+12.0 s" / "-3.5 s" relative to the fault; "—" when there is no such time. */
export function formatFromFault(seconds: number | null): string {
  return seconds === null ? MISSING : `${seconds >= 0 ? '+' : ''}${seconds.toFixed(1)} s`;
}

/** Expected alerts first, then by when they went pending (never-pending last), then by name. */
export function orderAlerts(timeline: AlertTimelineEntry[]): AlertTimelineEntry[] {
  return [...timeline].sort(
    (a, b) =>
      Number(b.expected) - Number(a.expected) ||
      (a.pendingS ?? a.firingS ?? Infinity) - (b.pendingS ?? b.firingS ?? Infinity) ||
      a.alertname.localeCompare(b.alertname),
  );
}

/** One sentence per alert, relative to the fault (the same wording as the HTML report). */
function describeAlert(e: AlertTimelineEntry): string {
  const parts = [`${e.alertname}${e.severity ? ` (${e.severity})` : ''}${e.expected ? ', expected' : ''}: pending ${formatFromFault(e.pendingS)}`];
  if (e.firingS !== null) parts.push(`firing ${formatFromFault(e.firingS)}`);
  if (e.projectedFiringS !== null) parts.push(`projected to fire ${formatFromFault(e.projectedFiringS)} (pending + for ${e.forS} s)`);
  if (e.resolvedS !== null) parts.push(`resolved ${formatFromFault(e.resolvedS)}`);
  if (e.firedInBaseline) parts.push('fired in the baseline (noise)');
  return parts.join(', ');
}

/** The end of the drill on the charts' axis (seconds since drill start): the series and every fault window. */
export function drillEndS(sc: Pick<Scorecard, 'series' | 'faultWindows'>): number {
  const t = sc.series.t;
  return Math.max(1, t.length ? t[t.length - 1] + 1 : 1, ...sc.faultWindows.map(w => w.endS));
}

/** A "nice" upper bound for an axis (1, 2, 2.5 or 5 times a power of ten). */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find(m => m * p >= value) ?? 10) * p;
}

/** An SVG path through the points, broken where a value is missing. */
function linePath(t: number[], values: Array<number | null>, x: (t: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(t[i]).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

const COLORS = { pending: '#d4a72c', errorRate: '#8250df', fault: '#ffd8b5', faultLine: '#bc4c00' };

/**
 * A drill's alert timeline, drawn natively: p99 latency and error rate over the drill, the fault
 * window(s) shaded, and one row per alert Prometheus reported (pending amber, firing red, a dashed
 * line to the projected firing time of an alert still pending at the end), all on one time axis in
 * seconds since the drill started. Below it a table with the times relative to the fault, then time
 * to detect and the detection findings. Without an alert watch it says why instead of drawing.
 */
export function AlertTimeline({ scorecard }: { scorecard: AlertTimelineScorecard }) {
  const d = scorecard.detection;
  return (
    <section data-testid="drillbook-alert-timeline" aria-labelledby={`alert-timeline-${scorecard.drillId}`} style={{ padding: '8px 24px' }}>
      <Typography variant="subtitle2" id={`alert-timeline-${scorecard.drillId}`}>
        Alert timeline
      </Typography>
      {!d ? (
        <Typography variant="body2" color="textSecondary" data-testid="alert-timeline-note">
          No alert timeline: this scorecard was written before drills recorded detection.
        </Typography>
      ) : d.source === 'none' ? (
        <Typography variant="body2" color="textSecondary" data-testid="alert-timeline-note">
          No alerts watched: {d.note ?? 'no Prometheus was configured'}. Time to detect comes from the runbook's metric detection signals only.
        </Typography>
      ) : (
        <>
          <TimelineChart scorecard={scorecard} detection={d} />
          <AlertTable detection={d} />
          {d.note && (
            <Typography variant="caption" color="textSecondary" component="p">
              {d.note}
            </Typography>
          )}
        </>
      )}
      <DetectionSummary scorecard={scorecard} detection={d} />
    </section>
  );
}

function TimelineChart({ scorecard, detection: d }: { scorecard: AlertTimelineScorecard; detection: DetectionFindings }) {
  const theme = useTheme();
  const alerts = orderAlerts(d.timeline);
  const endS = drillEndS(scorecard);
  const zero = d.faultAtS ?? 0;
  const { t, p99Ms, errorRate } = scorecard.series;

  const W = 960;
  const pad = { l: 250, r: 150, t: 26 };
  const metricsH = 110;
  const rowH = 24;
  const rowsTop = pad.t + metricsH + 14;
  const rowsH = Math.max(1, alerts.length) * rowH;
  const axisY = rowsTop + rowsH + 4;
  const H = axisY + 32;
  const plotW = W - pad.l - pad.r;
  const x = (s: number) => pad.l + (Math.max(0, Math.min(endS, s)) / endS) * plotW;

  const p99Max = niceMax(Math.max(0, ...p99Ms.filter((v): v is number => v !== null)));
  const errMax = niceMax(Math.max(0.01, ...errorRate.filter((v): v is number => v !== null)));
  const yP99 = (v: number) => pad.t + metricsH * (1 - Math.min(v, p99Max) / p99Max);
  const yErr = (v: number) => pad.t + metricsH * (1 - Math.min(v, errMax) / errMax);
  const ticks = Array.from({ length: 6 }, (_, i) => Math.round((i * endS) / 5));
  const text = theme.palette.text.primary;
  const muted = theme.palette.text.secondary;
  const firing = theme.palette.error.main;
  const latency = theme.palette.primary.main;

  const faults = scorecard.faultWindows.map(w => `${w.label} ${w.startS}–${w.endS} s`).join(', ');
  const summary = [
    `Alert timeline of drill ${scorecard.drillId} over ${Math.round(endS)} s since drill start`,
    `p99 latency up to ${p99Max} ms and error rate up to ${(errMax * 100).toFixed(1)}%`,
    faults ? `fault window${scorecard.faultWindows.length > 1 ? 's' : ''} ${faults}` : 'no fault window',
    alerts.length ? `${alerts.length} alert${alerts.length > 1 ? 's' : ''}: ${alerts.map(describeAlert).join('; ')}` : 'no alert was pending or firing',
  ].join('; ');

  return (
    <svg
      role="img"
      aria-label={summary}
      viewBox={`0 0 ${W} ${H}`}
      style={{ width: '100%', height: 'auto', display: 'block', fontFamily: theme.typography.fontFamily }}
      data-testid="alert-timeline-chart"
      data-axis-end-s={endS}
    >
      <title>{summary}</title>
      {/* legend */}
      <text x={pad.l} y={14} fontSize={11} fill={text}>
        <tspan fill={latency}>━ p99 latency (ms, left)</tspan>
        <tspan dx={14} fill={COLORS.errorRate}>━ error rate (%, right)</tspan>
        <tspan dx={14} fill={COLORS.pending}>■ pending</tspan>
        <tspan dx={10} fill={firing}>■ firing</tspan>
        <tspan dx={10} fill={firing}>◆ projected</tspan>
        <tspan dx={10} fill={muted}>★ expected</tspan>
      </text>

      {/* fault windows across metrics and alert rows; dashed line at the first fault */}
      {scorecard.faultWindows.map(w => (
        <rect key={`${w.label}-${w.startS}`} data-testid="fault-window" x={x(w.startS)} y={pad.t} width={Math.max(1, x(w.endS) - x(w.startS))} height={axisY - pad.t} fill={COLORS.fault} opacity={0.55}>
          <title>{`${w.label}: ${w.startS}–${w.endS} s since drill start`}</title>
        </rect>
      ))}
      {d.faultAtS !== null && (
        <line x1={x(zero)} x2={x(zero)} y1={pad.t} y2={axisY} stroke={COLORS.faultLine} strokeDasharray="3 3">
          <title>{`fault injected at ${d.faultAtS.toFixed(1)} s since drill start`}</title>
        </line>
      )}

      {/* latency and error rate, each on its own labelled scale */}
      <line x1={pad.l} x2={pad.l + plotW} y1={pad.t + metricsH} y2={pad.t + metricsH} stroke={muted} strokeWidth={0.5} />
      <text x={pad.l - 6} y={pad.t + 8} fontSize={10} textAnchor="end" fill={latency}>{`${p99Max} ms`}</text>
      <text x={pad.l - 6} y={pad.t + metricsH} fontSize={10} textAnchor="end" fill={latency}>0 ms</text>
      <text x={pad.l - 6} y={pad.t + metricsH / 2} fontSize={11} textAnchor="end" fill={latency}>p99 latency</text>
      <text x={pad.l + plotW + 6} y={pad.t + 8} fontSize={10} fill={COLORS.errorRate}>{`${Number((errMax * 100).toFixed(2))}%`}</text>
      <text x={pad.l + plotW + 6} y={pad.t + metricsH} fontSize={10} fill={COLORS.errorRate}>0%</text>
      <text x={pad.l + plotW + 6} y={pad.t + metricsH / 2} fontSize={11} fill={COLORS.errorRate}>error rate</text>
      <path data-testid="p99-line" d={linePath(t, p99Ms, x, yP99)} fill="none" stroke={latency} strokeWidth={1.5}>
        <title>p99 latency (ms)</title>
      </path>
      <path data-testid="error-rate-line" d={linePath(t, errorRate, x, yErr)} fill="none" stroke={COLORS.errorRate} strokeWidth={1.5}>
        <title>error rate (share of requests)</title>
      </path>

      {/* one row per alert */}
      {alerts.length === 0 && (
        <text x={pad.l + 4} y={rowsTop + 16} fontSize={11} fill={muted}>
          no alert was pending or firing during the drill
        </text>
      )}
      {alerts.map((e, i) => {
        const y = rowsTop + i * rowH;
        const mid = y + rowH / 2;
        const abs = (v: number | null) => (v === null ? null : zero + v);
        const p = abs(e.pendingS);
        const f = abs(e.firingS);
        const r = abs(e.resolvedS);
        const end = r ?? endS;
        const pf = abs(e.projectedFiringS);
        return (
          <g key={`${e.alertname}/${e.severity ?? ''}`} data-testid="alert-row" data-alert={e.alertname} data-expected={e.expected}>
            <title>{describeAlert(e)}</title>
            <line x1={pad.l} x2={pad.l + plotW} y1={y + rowH} y2={y + rowH} stroke={muted} strokeWidth={0.25} />
            <text x={pad.l - 6} y={mid + 4} fontSize={11} textAnchor="end" fill={text} fontWeight={e.expected ? 600 : 400}>
              {`${e.expected ? '★ ' : ''}${e.alertname}${e.severity ? ` (${e.severity})` : ''}`}
            </text>
            {p !== null && (
              <rect data-testid="pending-span" x={x(p)} y={y + 5} width={Math.max(1, x(f ?? end) - x(p))} height={rowH - 10} fill={COLORS.pending} opacity={0.7}>
                <title>{`${e.alertname} pending ${formatFromFault(e.pendingS)}`}</title>
              </rect>
            )}
            {f !== null && (
              <rect data-testid="firing-span" x={x(f)} y={y + 5} width={Math.max(1, x(end) - x(f))} height={rowH - 10} fill={firing} opacity={0.8}>
                <title>{`${e.alertname} firing ${formatFromFault(e.firingS)}`}</title>
              </rect>
            )}
            {r !== null && (
              <line data-testid="resolved-mark" x1={x(r)} x2={x(r)} y1={y + 2} y2={y + rowH - 2} stroke={text} strokeWidth={2}>
                <title>{`${e.alertname} resolved ${formatFromFault(e.resolvedS)}`}</title>
              </line>
            )}
            {pf !== null && (
              <g data-testid="projected-firing">
                <title>{`${e.alertname} projected to fire ${formatFromFault(e.projectedFiringS)} (still pending at the end; pending + for ${e.forS} s)`}</title>
                <line x1={x(p ?? 0)} x2={x(pf)} y1={mid} y2={mid} stroke={firing} strokeDasharray="4 3" strokeWidth={1.5} />
                <path d={`M${x(pf)},${mid - 6}L${x(pf) + 6},${mid}L${x(pf)},${mid + 6}L${x(pf) - 6},${mid}Z`} fill="none" stroke={firing} strokeWidth={1.5} />
                <text x={pad.l + plotW + 6} y={mid + 4} fontSize={11} fill={firing}>
                  {`${pf > endS ? '→ ' : ''}projected ${formatFromFault(e.projectedFiringS)}`}
                </text>
              </g>
            )}
          </g>
        );
      })}

      {/* shared time axis */}
      <line x1={pad.l} x2={pad.l + plotW} y1={axisY} y2={axisY} stroke={muted} />
      {ticks.map(s => (
        <g key={s} data-testid="axis-tick" data-s={s}>
          <line x1={x(s)} x2={x(s)} y1={axisY} y2={axisY + 4} stroke={muted} />
          <text x={x(s)} y={axisY + 15} fontSize={10} textAnchor="middle" fill={muted}>{`${s}s`}</text>
        </g>
      ))}
      <text x={pad.l + plotW / 2} y={axisY + 29} fontSize={10} textAnchor="middle" fill={muted}>
        seconds since drill start (dashed line: fault injected; shaded: fault window)
      </text>
    </svg>
  );
}

function AlertTable({ detection: d }: { detection: DetectionFindings }) {
  const alerts = orderAlerts(d.timeline);
  if (!alerts.length) return null;
  const cell: React.CSSProperties = { padding: '2px 12px 2px 0', textAlign: 'left', whiteSpace: 'nowrap' };
  return (
    <table aria-label="alerts during the drill, seconds from the fault" style={{ borderCollapse: 'collapse', fontSize: '0.8rem', marginTop: 4 }}>
      <thead>
        <tr>
          {['alert', 'severity', 'expected', 'pending', 'firing', 'resolved'].map(h => (
            <th key={h} style={cell}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {alerts.map(e => (
          <tr key={`${e.alertname}/${e.severity ?? ''}`} data-expected={e.expected}>
            <td style={cell}>
              {e.alertname}
              {e.firedInBaseline ? ' (fired in the baseline)' : ''}
            </td>
            <td style={cell}>{e.severity ?? MISSING}</td>
            <td style={cell}>{e.expected ? 'expected' : 'no'}</td>
            <td style={cell}>{formatFromFault(e.pendingS)}</td>
            <td style={cell}>{e.firingS !== null ? formatFromFault(e.firingS) : e.projectedFiringS !== null ? `${formatFromFault(e.projectedFiringS)} (projected)` : MISSING}</td>
            <td style={cell}>{formatFromFault(e.resolvedS)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DetectionSummary({ scorecard: sc, detection: d }: { scorecard: AlertTimelineScorecard; detection: DetectionFindings | undefined }) {
  const detected =
    sc.timeToDetectS === null
      ? 'not detected'
      : `${sc.timeToDetectS.toFixed(1)} s${d?.projected ? ' (projected)' : ''} after the fault${sc.detectedBy ? `, detected by ${sc.detectedBy}` : ''}`;
  return (
    <div data-testid="alert-timeline-detection">
      <Typography variant="body2">Time to detect: {detected}</Typography>
      {d && d.source !== 'none' && (
        <Typography variant="body2" color="textSecondary">
          {d.undetectedImpact === null
            ? 'Undetected impact: not judged.'
            : d.undetectedImpact
              ? `Undetected impact: the fault moved an SLI (${d.impact.join('; ')}) and no expected alert fired or would fire within ${d.boundS} s.`
              : `Undetected impact: none (bound ${d.boundS} s).`}{' '}
          {d.noise.length ? `Alert noise: ${d.noise.join(', ')} fired in the baseline, before any fault.` : 'No expected alert fired in the baseline.'}
        </Typography>
      )}
    </div>
  );
}
