import React from 'react';
import { render, screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataFrame } from '@grafana/data';
import { fixtures } from '../../__fixtures__/fixtures';
import { panelDataErrorViewCalls as errorView } from '../../__fixtures__/panelDataErrorView';
import { panelProps } from '../../__fixtures__/panelProps';
import { promSeries } from '../../__fixtures__/prometheusFrames';
import { TEST_IDS } from '../../constants';
import { scorecardToFrames, SCORECARD_FRAME } from '../../frames/scorecardToFrames';
import { ScorecardPanel } from './ScorecardPanel';
import { defaultScorecardOptions, type ScorecardOptions } from './types';

vi.mock('@grafana/runtime', async (orig) => ({
  ...(await orig<typeof import('@grafana/runtime')>()),
  PanelDataErrorView: (await import('../../__fixtures__/panelDataErrorView')).RecordingPanelDataErrorView,
}));

beforeEach(() => errorView.mockClear());

const renderPanel = (series: DataFrame[], options: Partial<ScorecardOptions> = {}, vars: Record<string, string> = {}) =>
  render(
    <ScorecardPanel
      {...panelProps(series, { ...defaultScorecardOptions, ...options }, {
        replaceVariables: (s: string) => s.replace(/\$(\w+)/g, (_, v) => vars[v] ?? `$${v}`),
      })}
    />
  );

const withoutField = (frames: DataFrame[], frameName: string, field: string): DataFrame[] =>
  frames.map((f) => (f.name === frameName ? { ...f, fields: f.fields.filter((x) => x.name !== field) } : f));

const objectiveRows = () => screen.getAllByTestId(TEST_IDS.scorecard.objective);

describe('ScorecardPanel with scorecard frames', () => {
  it('shows the score, status, timings, budget, quality and every objective of a passed drill', () => {
    renderPanel(scorecardToFrames(fixtures.scorecardPassed()));
    expect(screen.getByTestId(TEST_IDS.scorecard.score)).toHaveTextContent('95');
    expect(screen.getByTestId(TEST_IDS.scorecard.status)).toHaveTextContent('passed');
    expect(screen.getByText('Kill one replica under load')).toBeInTheDocument();
    expect(screen.getByLabelText('Time to detect')).toHaveTextContent('42.0 s');
    expect(screen.getByLabelText('Time to recover')).toHaveTextContent('18.4 s');
    expect(screen.getByLabelText('Error budget burned')).toHaveTextContent('0.012%');
    expect(screen.getByLabelText('Ranking quality')).toHaveTextContent('86.0%');
    expect(objectiveRows()).toHaveLength(4);
    const ranking = objectiveRows().find((r) => r.textContent?.includes('ranking-quality-kept'))!;
    expect(ranking).toHaveAttribute('data-verdict', 'missed');
    expect(within(ranking).getByText('7.5 / 12.5')).toBeInTheDocument();
    const availability = objectiveRows().find((r) => r.textContent?.includes('availability-under-fault'))!;
    expect(within(availability).getByText('>= 99.50%')).toBeInTheDocument();
    expect(within(availability).getByText('99.91%')).toBeInTheDocument();
    expect(errorView).not.toHaveBeenCalled();
  });

  it('shows the alert timeline of a drill with detection: expected alerts first, firing, projected and noise marked', () => {
    const input = fixtures.scorecardPassed();
    input.scorecard.detection = {
      source: 'prometheus',
      prometheus: 'http://127.0.0.1:9090',
      note: null,
      projected: false,
      faultAtS: 20,
      impact: ['availability 97.1% < 99%'],
      boundS: 300,
      undetectedImpact: false,
      noise: ['RecsysLatencyHigh'],
      timeline: [
        { alertname: 'RecsysLatencyHigh', severity: 'ticket', expected: false, forS: 300, pendingS: -12, firingS: null, projectedFiringS: null, resolvedS: 4, firedInBaseline: true },
        { alertname: 'RecsysFallbackRateHigh', severity: 'page', expected: true, forS: 60, pendingS: 3.5, firingS: null, projectedFiringS: 63.5, resolvedS: null, firedInBaseline: false },
        { alertname: 'RecsysUpstreamDown', severity: 'page', expected: true, forS: 0, pendingS: 2, firingS: 2, projectedFiringS: null, resolvedS: 31, firedInBaseline: false },
      ],
    };
    renderPanel(scorecardToFrames(input));
    const table = screen.getByRole('table', { name: 'Alert timeline' });
    const rows = within(table).getAllByTestId(TEST_IDS.scorecard.alert);
    expect(rows.map((r) => r.getAttribute('data-expected'))).toEqual(['true', 'true', 'false']);
    expect(rows[0]).toHaveTextContent('RecsysUpstreamDown');
    expect(rows[0]).toHaveTextContent('+2.0 s');
    expect(rows[0]).toHaveTextContent('+31.0 s');
    expect(rows[1]).toHaveTextContent('RecsysFallbackRateHigh');
    expect(rows[1]).toHaveTextContent('+63.5 s (projected)');
    expect(rows[2]).toHaveTextContent('fired in the baseline (noise)');
    expect(rows[2]).toHaveTextContent('-12.0 s');
  });

  it('shows no alert timeline for a scorecard without detection', () => {
    renderPanel(scorecardToFrames(fixtures.scorecardPassed()));
    expect(screen.queryByRole('table', { name: 'Alert timeline' })).not.toBeInTheDocument();
  });

  it('puts missed objectives first by default and keeps the runbook order when asked', () => {
    const { unmount } = renderPanel(scorecardToFrames(fixtures.scorecardPassed()));
    expect(objectiveRows()[0]).toHaveTextContent('ranking-quality-kept');
    unmount();
    renderPanel(scorecardToFrames(fixtures.scorecardPassed()), { objectiveOrder: 'defined' });
    expect(objectiveRows()[0]).toHaveTextContent('availability-under-fault');
  });

  it('shows a failed drill as failed, with the reason, the guardrail abort and the missed objectives', () => {
    renderPanel(scorecardToFrames(fixtures.scorecardFailed()));
    expect(screen.getByTestId(TEST_IDS.scorecard.status)).toHaveTextContent('failed');
    expect(screen.getByTestId(TEST_IDS.scorecard.score)).toHaveTextContent('12.5');
    expect(screen.getByText(/guardrail "error-rate-above-5pct" aborted the fault phase/)).toBeInTheDocument();
    expect(screen.getByText(/aborted by guardrail: error-rate-above-5pct held for 10s/)).toBeInTheDocument();
    expect(objectiveRows().map((r) => r.getAttribute('data-verdict'))).toEqual(['missed', 'missed', 'no-data', 'met']);
    expect(screen.getByLabelText('Time to recover')).toHaveTextContent('—');
  });

  it('maps the missed objectives to recommended actions, each linking its on-call section', () => {
    renderPanel(scorecardToFrames(fixtures.scorecardFailed()));
    const actions = screen.getByTestId('drillbook-scorecard-actions');
    expect(actions).toHaveTextContent('Recommended actions');
    const links = within(actions).getAllByRole('link');
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(l.getAttribute('href')).toMatch(/^https:\/\/drillbook\.example\.com\/runbooks\/on-call\.md#recsys|#drillbook/);
  });

  it('shows no recommended actions when every objective was met', () => {
    const res = fixtures.scorecardPassed();
    for (const o of res.scorecard.objectives) o.verdict = 'met';
    renderPanel(scorecardToFrames(res));
    expect(screen.queryByTestId('drillbook-scorecard-actions')).toBeNull();
  });

  it("hands empty data to Grafana's PanelDataErrorView", () => {
    renderPanel([]);
    expect(screen.getByTestId('panel-data-error')).toHaveTextContent('No data');
    expect(errorView).toHaveBeenCalledWith(expect.objectContaining({ panelId: 1, needsNumberField: true }));
    expect(screen.queryByTestId(TEST_IDS.scorecard.root)).not.toBeInTheDocument();
  });

  it('treats frames without rows as empty data', () => {
    const empty = scorecardToFrames(fixtures.scorecardPassed()).map((f) => ({ ...f, length: 0, fields: f.fields.map((x) => ({ ...x, values: [] })) }));
    renderPanel(empty);
    expect(screen.getByTestId('panel-data-error')).toHaveTextContent('No data');
  });

  it('names the missing field when the scorecard frame has no score', () => {
    renderPanel(withoutField(scorecardToFrames(fixtures.scorecardPassed()), SCORECARD_FRAME, 'score'));
    expect(screen.getByTestId('panel-data-error')).toHaveTextContent('Frame "drillbook-scorecard" has no field "score"');
  });

  it('shows an absent optional field as "—" and lists it, instead of inventing a value', () => {
    renderPanel(withoutField(scorecardToFrames(fixtures.scorecardPassed()), SCORECARD_FRAME, 'timeToRecoverS'));
    expect(screen.getByLabelText('Time to recover')).toHaveTextContent('—');
    expect(screen.getByLabelText('Time to recover')).toHaveTextContent('not in the data');
    expect(screen.getByTestId(TEST_IDS.scorecard.missing)).toHaveTextContent('timeToRecoverS');
    expect(screen.getByTestId(TEST_IDS.scorecard.score)).toHaveTextContent('95');
  });
});

describe('ScorecardPanel with Prometheus drill metrics', () => {
  const drill = (service: string, runbook: string, score: number, status: string) => {
    const l = { service, runbook, job: 'drillbook' };
    return [
      promSeries('drillbook_drill_score', l, [score]),
      promSeries('drillbook_drill_status', { ...l, status: 'passed' }, [status === 'passed' ? 1 : 0]),
      promSeries('drillbook_drill_status', { ...l, status: 'failed' }, [status === 'failed' ? 1 : 0]),
      promSeries('drillbook_time_to_recover_seconds', l, [21.5]),
      promSeries('drillbook_time_to_detect_seconds', l, [40]),
      promSeries('drillbook_error_budget_consumed_ratio', l, [0.0004]),
    ];
  };

  it('reads score, status, timings and budget from the series and says objectives need the controller', () => {
    renderPanel(drill('recsys-reference', 'replica-crash', 88, 'passed'));
    expect(screen.getByTestId(TEST_IDS.scorecard.score)).toHaveTextContent('88');
    expect(screen.getByTestId(TEST_IDS.scorecard.status)).toHaveTextContent('passed');
    expect(screen.getByLabelText('Time to recover')).toHaveTextContent('21.5 s');
    expect(screen.getByLabelText('Error budget burned')).toHaveTextContent('0.040%');
    expect(screen.getByText(/Objectives are not in these series/)).toBeInTheDocument();
  });

  it("reads the controller's extra series: objective credits, ranking quality, a drill still running", () => {
    const l = { service: 'recsys-reference', runbook: 'replica-crash' };
    renderPanel([
      ...drill('recsys-reference', 'replica-crash', 88, 'passed'),
      promSeries('drillbook_drill_in_progress', l, [1]),
      promSeries('drillbook_drill_ndcg_ratio', l, [0.91]),
      promSeries('drillbook_drill_objective_credit_ratio', { ...l, objective: 'p99-under-fault' }, [0.6]),
      promSeries('drillbook_drill_objective_credit_ratio', { ...l, objective: 'availability-under-fault' }, [1]),
    ]);
    expect(screen.getByTestId(TEST_IDS.scorecard.status)).toHaveTextContent('running');
    expect(screen.getByLabelText('Ranking quality')).toHaveTextContent('91.0%');
    const rows = objectiveRows();
    expect(rows.map((r) => r.getAttribute('data-verdict'))).toEqual(['missed', 'met']);
    expect(rows[0]).toHaveTextContent('p99-under-fault');
    expect(rows[0]).toHaveTextContent('credit 60%');
  });

  it('shows the drill that ended last when the query returns several', () => {
    const zoneOutage = { service: 'recsys-reference', runbook: 'zone-outage' };
    const replicaCrash = { service: 'recsys-reference', runbook: 'replica-crash' };
    renderPanel([
      ...drill('recsys-reference', 'zone-outage', 20, 'failed'),
      ...drill('recsys-reference', 'replica-crash', 88, 'passed'),
      promSeries('drillbook_drill_end_timestamp_seconds', zoneOutage, [1_763_700_000]),
      promSeries('drillbook_drill_end_timestamp_seconds', replicaCrash, [1_763_650_000]),
    ]);
    // zone-outage ended later, although its series come first
    expect(screen.getByTestId(TEST_IDS.scorecard.score)).toHaveTextContent('20');
    expect(screen.getByText(/returned 2 service\/runbook pairs/)).toBeInTheDocument();
  });

  it('shows the drill picked by the panel options, resolving dashboard variables', () => {
    renderPanel([...drill('recsys-reference', 'replica-crash', 88, 'passed'), ...drill('recsys-canary', 'zone-outage', 31, 'failed')], { service: '$service' }, { service: 'recsys-canary' });
    expect(screen.getByTestId(TEST_IDS.scorecard.score)).toHaveTextContent('31');
    expect(screen.getByTestId(TEST_IDS.scorecard.status)).toHaveTextContent('failed');
    expect(screen.getByText('zone-outage')).toBeInTheDocument();
  });

  it('names drillbook_drill_score when the series lack it', () => {
    const l = { service: 'recsys-reference', runbook: 'replica-crash' };
    renderPanel([promSeries('drillbook_time_to_recover_seconds', l, [12])]);
    expect(screen.getByTestId('panel-data-error')).toHaveTextContent('The data has no drillbook_drill_score series for this drill');
  });

  it('says what it expected when the data is neither scorecard frames nor drill metrics', () => {
    renderPanel([promSeries('up', { job: 'x' }, [1])]);
    expect(screen.getByTestId('panel-data-error')).toHaveTextContent('no drillbook_drill_score series in the data');
  });
});

describe('the scorecard panel plugin', () => {
  it('builds its options editor with the documented defaults', async () => {
    const { plugin } = await import('./module');
    const { panelOptionDefaults } = await import('../../__fixtures__/panelOptionDefaults');
    expect(panelOptionDefaults(plugin)).toEqual(defaultScorecardOptions);
  });
});
