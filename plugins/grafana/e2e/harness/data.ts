// HARNESS ONLY: the data a dashboard would hand the panels, built from the recorded controller
// responses (as the Drillbook data source would) and from Prometheus-shaped frames.
import type { DataFrame } from '@grafana/data';
import { fixtures } from '../../src/__fixtures__/fixtures';
import { promSeries, sloFrames } from '../../src/__fixtures__/prometheusFrames';
import { scorecardToFrames } from '../../src/frames/scorecardToFrames';

export interface PanelCase {
  key: string;
  title: string;
  plugin: 'scorecard' | 'slo-budget';
  width: number;
  height: number;
  frames: DataFrame[];
  options?: Record<string, unknown>;
}

const report = (id: string) => `/api/plugin-proxy/drillbook-gameday-app/api/drills/${id}/report`;

export function panelCases(): PanelCase[] {
  const passed = fixtures.scorecardPassed();
  const failed = fixtures.scorecardFailed();
  const l = { service: 'recsys-reference', runbook: 'replica-crash' };
  return [
    { key: 'scorecard-passed', title: 'Drill scorecard: replica-crash', plugin: 'scorecard', width: 760, height: 520, frames: scorecardToFrames(passed, { reportHref: report(passed.drill.id) }) },
    { key: 'scorecard-failed', title: 'Drill scorecard: zone-outage', plugin: 'scorecard', width: 760, height: 520, frames: scorecardToFrames(failed, { reportHref: report(failed.drill.id) }) },
    {
      key: 'scorecard-prometheus',
      title: 'Drill scorecard (Prometheus drill metrics)',
      plugin: 'scorecard',
      width: 760,
      height: 380,
      frames: [
        promSeries('drillbook_drill_score', l, [80, 95]),
        promSeries('drillbook_drill_status', { ...l, status: 'passed' }, [1]),
        promSeries('drillbook_drill_status', { ...l, status: 'failed' }, [0]),
        promSeries('drillbook_time_to_detect_seconds', l, [42]),
        promSeries('drillbook_time_to_recover_seconds', l, [18.4]),
        promSeries('drillbook_error_budget_consumed_ratio', l, [0.00012]),
        promSeries('drillbook_drill_ndcg_ratio', l, [0.86]),
        promSeries('drillbook_drill_duration_seconds', l, [124]),
        promSeries('drillbook_drill_end_timestamp_seconds', l, [1_763_647_324]),
        promSeries('drillbook_drill_objective_credit_ratio', { ...l, objective: 'availability-under-fault' }, [1]),
        promSeries('drillbook_drill_objective_credit_ratio', { ...l, objective: 'ranking-quality-kept' }, [0.6]),
      ],
    },
    { key: 'scorecard-empty', title: 'Drill scorecard (no data)', plugin: 'scorecard', width: 380, height: 160, frames: [] },
    {
      key: 'slo-budget',
      title: 'SLO error budget: recsys-reference',
      plugin: 'slo-budget',
      width: 620,
      height: 760,
      frames: [
        ...sloFrames({
          service: 'recsys-reference',
          slo: 'availability',
          objective: 0.999,
          ratios: { '5m': 0.0007, '30m': 0.0006, '1h': 0.0005, '2h': 0.0005, '6h': 0.0004, '1d': 0.0004, '3d': 0.0004, '30d': 0.00038 },
          remaining: 0.62,
        }),
        ...sloFrames({
          service: 'recsys-reference',
          slo: 'latency',
          objective: 0.99,
          ratios: { '5m': 0.29, '30m': 0.2, '1h': 0.16, '2h': 0.09, '6h': 0.031, '1d': 0.012, '3d': 0.006, '30d': 0.0112 },
          remaining: -0.12,
        }),
      ],
    },
  ];
}
