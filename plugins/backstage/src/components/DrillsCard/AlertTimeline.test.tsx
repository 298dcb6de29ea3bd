import React from 'react';
import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { AlertTimeline } from './AlertTimeline';
import { makeAlert, makeDetection, makeScorecard } from '../../__fixtures__/scorecard';

const num = (el: Element, attr: string) => Number(el.getAttribute(attr));
const last = <T,>(xs: T[]): T => xs[xs.length - 1];

describe('AlertTimeline', () => {
  it('draws one row per alert, the expected alerts first and marked, in the chart and in the table', async () => {
    await renderInTestApp(<AlertTimeline scorecard={makeScorecard()} />);
    const rows = screen.getAllByTestId('alert-row');
    expect(rows.map(r => r.getAttribute('data-alert'))).toEqual(['RecsysUpstreamDown', 'RecsysFallbackRateHigh', 'RecsysLatencyHigh']);
    expect(rows.map(r => r.getAttribute('data-expected'))).toEqual(['true', 'true', 'false']);
    expect(within(rows[0]).getByText('★ RecsysUpstreamDown (page)')).toBeInTheDocument();
    expect(within(rows[2]).getByText('RecsysLatencyHigh (ticket)')).toBeInTheDocument();

    const table = within(screen.getByRole('table', { name: 'alerts during the drill, seconds from the fault' }));
    const body = table.getAllByRole('row').slice(1);
    expect(body.map(r => within(r).getAllByRole('cell').map(c => c.textContent))).toEqual([
      ['RecsysUpstreamDown', 'page', 'expected', '+2.0 s', '+2.0 s', '+31.0 s'],
      ['RecsysFallbackRateHigh', 'page', 'expected', '+3.5 s', '+123.5 s (projected)', '—'],
      ['RecsysLatencyHigh', 'ticket', 'no', '+1.0 s', '—', '+45.0 s'],
    ]);
  });

  it('marks an alert still pending at the end with its projected firing time, and a projected time to detect', async () => {
    const detection = makeDetection({
      projected: true,
      timeline: [makeAlert({ alertname: 'RecsysFallbackRateHigh', forS: 120, pendingS: 3.5, firingS: null, projectedFiringS: 123.5, resolvedS: null })],
    });
    await renderInTestApp(<AlertTimeline scorecard={makeScorecard({ detection, timeToDetectS: 123.5, detectedBy: 'alert RecsysFallbackRateHigh (page, projected)' })} />);
    const row = screen.getByTestId('alert-row');
    expect(within(row).queryByTestId('firing-span')).not.toBeInTheDocument();
    // 30 s + 123.5 s lies beyond the 120 s drill: the mark says so with an arrow.
    expect(within(within(row).getByTestId('projected-firing')).getByText('→ projected +123.5 s')).toBeInTheDocument();
    // Still pending at the end: the pending span runs to the end of the drill.
    const pending = within(row).getByTestId('pending-span');
    const lastTick = last(screen.getAllByTestId('axis-tick')).querySelector('line')!;
    expect(num(pending, 'x') + num(pending, 'width')).toBeCloseTo(num(lastTick, 'x1'), 1);
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('RecsysFallbackRateHigh (page), expected: pending +3.5 s, projected to fire +123.5 s (pending + for 120 s)');
    expect(screen.getByTestId('alert-timeline-detection')).toHaveTextContent('Time to detect: 123.5 s (projected) after the fault, detected by alert RecsysFallbackRateHigh (page, projected)');
  });

  it('puts latency, errors, the fault window and the alerts on one axis that covers the whole drill', async () => {
    await renderInTestApp(<AlertTimeline scorecard={makeScorecard()} />);
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toContain('over 120 s since drill start; p99 latency up to 200 ms and error rate up to 5.0%; fault window fault phase 30–70 s');
    const ticks = screen.getAllByTestId('axis-tick').map(t => Number(t.getAttribute('data-s')));
    expect(ticks[0]).toBe(0);
    expect(last(ticks)).toBe(120);
    expect(within(chart).getByText('error rate')).toBeInTheDocument();
    expect(within(chart).getByText('5%')).toBeInTheDocument();
    expect(screen.getByTestId('p99-line').getAttribute('d')).toMatch(/^M/);
    expect(screen.getByTestId('error-rate-line').getAttribute('d')).toMatch(/^M/);

    // RecsysUpstreamDown fired 2 s into the fault and resolved 31 s in: inside the 30-70 s window.
    const fault = screen.getByTestId('fault-window');
    const firing = within(screen.getAllByTestId('alert-row')[0]).getByTestId('firing-span');
    const resolved = within(screen.getAllByTestId('alert-row')[0]).getByTestId('resolved-mark');
    expect(num(firing, 'x')).toBeGreaterThan(num(fault, 'x'));
    expect(num(resolved, 'x1')).toBeLessThan(num(fault, 'x') + num(fault, 'width'));
    expect(num(firing, 'x') + num(firing, 'width')).toBeCloseTo(num(resolved, 'x1'), 1);
  });

  it('stretches the axis to a fault window that outlasts the load series', async () => {
    await renderInTestApp(<AlertTimeline scorecard={makeScorecard({ faultWindows: [{ label: 'fault phase', startS: 30, endS: 150 }] })} />);
    expect(last(screen.getAllByTestId('axis-tick'))).toHaveAttribute('data-s', '150');
  });

  it('says that no alerts were watched, with the note, instead of drawing an empty chart', async () => {
    const detection = makeDetection({ source: 'none', prometheus: null, note: 'no Prometheus: none configured and prometheus is not installed', timeline: [], undetectedImpact: null });
    await renderInTestApp(<AlertTimeline scorecard={makeScorecard({ detection, timeToDetectS: 8, detectedBy: 'metric error_rate > 1%' })} />);
    expect(screen.getByTestId('alert-timeline-note')).toHaveTextContent('No alerts watched: no Prometheus: none configured and prometheus is not installed.');
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByTestId('alert-timeline-detection')).toHaveTextContent('Time to detect: 8.0 s after the fault, detected by metric error_rate > 1%');
  });

  it('says so when the scorecard predates detection', async () => {
    await renderInTestApp(<AlertTimeline scorecard={makeScorecard({ detection: undefined, timeToDetectS: null, detectedBy: null })} />);
    expect(screen.getByTestId('alert-timeline-note')).toHaveTextContent('this scorecard was written before drills recorded detection');
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(screen.getByTestId('alert-timeline-detection')).toHaveTextContent('Time to detect: not detected');
  });

  it('draws the latency and errors even when Prometheus reported no alert, and names undetected impact', async () => {
    const detection = makeDetection({ timeline: [], undetectedImpact: true });
    await renderInTestApp(<AlertTimeline scorecard={makeScorecard({ detection, timeToDetectS: null, detectedBy: null })} />);
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('no alert was pending or firing');
    expect(screen.queryAllByTestId('alert-row')).toHaveLength(0);
    expect(screen.getByTestId('alert-timeline-detection')).toHaveTextContent(
      'Undetected impact: the fault moved an SLI (availability 97.9% < 99.9% in the fault phase) and no expected alert fired or would fire within 300 s.',
    );
  });
});
