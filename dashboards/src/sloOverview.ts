/**
 * Service SLO overview: attainment, error budget remaining and burn rates of every SLO of a
 * service (from the Sloth-compatible recording rules the alerts generator writes), then RED for
 * /v1/recommend at the gateway, with firing SLO alerts and drills as annotations.
 */
import { BURN_RATE_ALERTS, SLO_RECORDING } from '@drillbook/contracts';
import { sliEventsRate, type SloModel } from '@drillbook/alerts';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueTextMode } from '@grafana/grafana-foundation-sdk/common';
import { alertAnnotations, drillAnnotations } from './common/annotations.js';
import { baseDashboard } from './common/dashboard.js';
import { BLUE, GREEN, ORANGE, RED, stat, timeseries } from './common/panels.js';
import { FALLBACK, latencyQuantile, recommend, REQUESTS } from './common/selectors.js';
import { labelVariable } from './common/variables.js';

export const SLO_OVERVIEW_UID = 'drillbook-slo-overview';

const F = '{sloth_service="$service", sloth_slo=~"$slo"}';
const ON = 'on(sloth_id, sloth_slo, sloth_service) group_left';
const rate = (expr: string) => `rate(${expr}[$__rate_interval])`;

function burnRate(window: string): string {
  return `${SLO_RECORDING.errorRatio(window)}${F}\n/ ${ON}\n${SLO_RECORDING.errorBudget}${F}`;
}

export function sloOverview(slos: readonly SloModel[]): Dashboard {
  const burns = BURN_RATE_ALERTS.map((a) => a.burnRate).sort((a, b) => a - b);
  const latency = slos.find((s) => s.threshold !== null);

  return baseDashboard({
    uid: SLO_OVERVIEW_UID,
    title: 'Recsys SLO overview',
    description: 'SLO attainment, error budget and burn rates per service (Sloth-compatible recording rules), RED of /v1/recommend.',
    tags: ['slo'],
  })
    .withVariable(labelVariable({ name: 'service', label: 'Service', series: SLO_RECORDING.objective, labelName: 'sloth_service' }))
    .withVariable(
      labelVariable({ name: 'slo', label: 'SLO', series: `${SLO_RECORDING.objective}{sloth_service="$service"}`, labelName: 'sloth_slo', includeAll: true }),
    )
    .annotation(alertAnnotations('SLO alerts', 'sloth_service="$service"', 'red', 'sloth_severity'))
    .annotation(drillAnnotations())
    .withRow(new RowBuilder('Service level objectives of $service'))
    .withPanel(
      stat({
        title: 'Objective',
        description: 'Target share of good events over the SLO period.',
        queries: [{ expr: `${SLO_RECORDING.objective}${F}`, legend: '{{sloth_slo}}' }],
        unit: 'percentunit',
        decimals: 2,
        w: 5,
        h: 5,
        thresholds: [{ value: null, color: BLUE }],
      }),
    )
    .withPanel(
      stat({
        title: 'Attainment over the period',
        description: 'Share of good events over the SLO period (1 - period error ratio), as the period burn rate records it.',
        queries: [{ expr: `1 - (\n  ${SLO_RECORDING.periodBurnRate}${F}\n  * ${ON}\n  ${SLO_RECORDING.errorBudget}${F}\n)`, legend: '{{sloth_slo}}' }],
        unit: 'percentunit',
        decimals: 3,
        w: 5,
        h: 5,
        thresholds: [{ value: null, color: BLUE }],
      }),
    )
    .withPanel(
      stat({
        title: 'Error budget remaining',
        description: 'Share of the period error budget left; below 0 the SLO is missed for the period.',
        queries: [{ expr: `${SLO_RECORDING.periodBudgetRemaining}${F}`, legend: '{{sloth_slo}}' }],
        unit: 'percentunit',
        decimals: 1,
        w: 5,
        h: 5,
        thresholds: [
          { value: null, color: RED },
          { value: 0, color: ORANGE },
          { value: 0.25, color: 'yellow' },
          { value: 0.5, color: GREEN },
        ],
      }),
    )
    .withPanel(
      stat({
        title: 'Burn rate now (5m)',
        description: `Error ratio over 5 minutes divided by the error budget: 1 spends exactly the budget over the period. Alerts: ${BURN_RATE_ALERTS.map((a) => `${a.severity} ${a.burnRate}x over ${a.longWindow}/${a.shortWindow}`).join(', ')}.`,
        queries: [{ expr: `${SLO_RECORDING.currentBurnRate}${F}`, legend: '{{sloth_slo}}' }],
        unit: 'suffix:x',
        decimals: 1,
        w: 5,
        h: 5,
        thresholds: [
          { value: null, color: GREEN },
          { value: burns[0], color: 'yellow' },
          { value: burns[2], color: ORANGE },
          { value: burns[3], color: RED },
        ],
      }),
    )
    .withPanel(
      stat({
        title: 'Firing SLO alerts',
        description: 'Burn-rate alerts of this service firing now, by sloth_severity (page, ticket), as Sloth labels them.',
        queries: [{ expr: 'count by (sloth_severity) (ALERTS{alertstate="firing", sloth_service="$service"})', legend: '{{sloth_severity}}' }],
        w: 4,
        h: 5,
        noValue: 'none firing',
        textMode: BigValueTextMode.ValueAndName,
        thresholds: [
          { value: null, color: GREEN },
          { value: 1, color: RED },
        ],
      }),
    )
    .withRow(new RowBuilder('Burn rates and budget'))
    .withPanel(
      timeseries({
        title: 'Burn rate over each alert window',
        description: 'Error ratio over each long alert window divided by the error budget. Dashed lines: the burn rates that alert.',
        queries: BURN_RATE_ALERTS.map((a) => ({ expr: burnRate(a.longWindow), legend: `{{sloth_slo}} over ${a.longWindow} (${a.severity} at ${a.burnRate}x)` })),
        unit: 'suffix:x',
        min: 0,
        w: 12,
        h: 9,
        thresholds: [
          { value: null, color: GREEN },
          ...burns.map((b) => ({ value: b, color: b >= 6 ? RED : ORANGE })),
        ],
        thresholdLines: true,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Error budget remaining over the period',
        description: 'Share of the period error budget left over time (the burn-down).',
        queries: [{ expr: `${SLO_RECORDING.periodBudgetRemaining}${F}`, legend: '{{sloth_slo}}' }],
        unit: 'percentunit',
        w: 12,
        h: 9,
        thresholds: [
          { value: null, color: RED },
          { value: 0, color: GREEN },
        ],
        thresholdLines: true,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Error ratio (5m) against the error budget',
        description: 'The SLI error ratio over 5 minutes, and the error budget it is measured against.',
        queries: [
          { expr: `${SLO_RECORDING.errorRatio('5m')}${F}`, legend: '{{sloth_slo}} error ratio' },
          { expr: `${SLO_RECORDING.errorBudget}${F}`, legend: '{{sloth_slo}} error budget' },
        ],
        unit: 'percentunit',
        min: 0,
        w: 12,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'SLI events per second',
        description: 'Events the SLIs count (5m rate). Burn-rate alerts need the SLO\'s minimum traffic over their short window.',
        queries: [{ expr: `${sliEventsRate('5m')}${F}`, legend: '{{sloth_slo}}' }],
        unit: 'reqps',
        min: 0,
        w: 12,
        h: 8,
      }),
    )
    .withRow(new RowBuilder('RED: /v1/recommend at the gateway'))
    .withPanel(
      timeseries({
        title: 'Requests per second by status',
        description: 'Rate of /v1/recommend requests answered by the gateway, by HTTP status (real and synthetic traffic).',
        queries: [{ expr: `sum by (http_response_status_code) (${rate(`${REQUESTS}${recommend()}`)})`, legend: '{{http_response_status_code}}' }],
        unit: 'reqps',
        min: 0,
        w: 8,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Error share (5xx and 429)',
        description: 'Share of /v1/recommend requests answered with 5xx or 429, for real (non-synthetic) and for all traffic.',
        queries: [
          {
            expr: `sum(${rate(`${REQUESTS}${recommend('http_response_status_code=~"5..|429", synthetic!="true"')}`)})\n/\nsum(${rate(`${REQUESTS}${recommend('synthetic!="true"')}`)})`,
            legend: 'real traffic',
          },
          {
            expr: `sum(${rate(`${REQUESTS}${recommend('http_response_status_code=~"5..|429"')}`)})\n/\nsum(${rate(`${REQUESTS}${recommend()}`)})`,
            legend: 'all traffic',
          },
        ],
        unit: 'percentunit',
        min: 0,
        w: 8,
        h: 8,
        noValue: 'no errors',
      }),
    )
    .withPanel(
      timeseries({
        title: 'Latency percentiles',
        description: `p50, p95 and p99 of /v1/recommend at the gateway (histogram buckets).${latency?.threshold ? ` Dashed line: the ${latency.threshold.seconds * 1000} ms latency SLO threshold.` : ''}`,
        queries: [0.5, 0.95, 0.99].map((q) => ({ expr: latencyQuantile(q), legend: `p${q * 100}` })),
        unit: 's',
        min: 0,
        w: 8,
        h: 8,
        thresholds: latency?.threshold
          ? [
              { value: null, color: GREEN },
              { value: latency.threshold.seconds, color: RED },
            ]
          : undefined,
        thresholdLines: true,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Degraded (fallback) share by reason',
        description: 'Share of /v1/recommend responses served by the popularity fallback, by reason (all traffic).',
        queries: [
          {
            expr: `sum by (reason) (${rate(FALLBACK)})\n/ on() group_left()\nsum(${rate(`${REQUESTS}${recommend()}`)})`,
            legend: '{{reason}}',
          },
        ],
        unit: 'percentunit',
        min: 0,
        w: 12,
        h: 8,
        noValue: 'no fallback',
      }),
    )
    .withPanel(
      timeseries({
        title: 'Real and synthetic traffic',
        description: 'Requests per second by the synthetic label: drills and load tests send synthetic="true", the SLIs exclude it.',
        queries: [{ expr: `sum by (synthetic) (${rate(`${REQUESTS}${recommend()}`)})`, legend: 'synthetic={{synthetic}}' }],
        unit: 'reqps',
        min: 0,
        w: 12,
        h: 8,
      }),
    )
    .build();
}
