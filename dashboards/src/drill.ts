/**
 * Drill view: the scorecard metrics the drill controller exports for the latest drill of each
 * runbook, the load and the service's behaviour while drills run (rate, latency, errors, degraded
 * share, served ranking quality, topology, faults), and the drill controller's own annotations
 * (start, fault, recovery, end) next to the alerts that fired.
 */
import { METRIC } from '@drillbook/contracts';
import { SLO_RECORDING } from '@drillbook/contracts';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueTextMode } from '@grafana/grafana-foundation-sdk/common';
import { alertAnnotations, drillAnnotations } from './common/annotations.js';
import { baseDashboard } from './common/dashboard.js';
import { BLUE, GREEN, ORANGE, RED, stat, timeseries, valueText } from './common/panels.js';
import { ALL_REPLICAS, FALLBACK, GATEWAY, latencyQuantile, recommend, REQUESTS } from './common/selectors.js';
import { labelVariable } from './common/variables.js';

export const DRILL_UID = 'drillbook-drill';

const D = '{service="$service", runbook=~"$runbook"}';
const rate = (expr: string) => `rate(${expr}[$__rate_interval])`;

export function drill(): Dashboard {
  return baseDashboard({
    uid: DRILL_UID,
    title: 'Drillbook drill',
    description: 'Game-day drills: scorecard of the latest drill per runbook, load and service behaviour during drills, drill annotations.',
    tags: ['drills'],
  })
    .time({ from: 'now-1h', to: 'now' })
    .refresh('10s')
    .withVariable(labelVariable({ name: 'service', label: 'Service', series: METRIC.drillStatus, labelName: 'service' }))
    .withVariable(labelVariable({ name: 'runbook', label: 'Runbook', series: `${METRIC.drillStatus}{service="$service"}`, labelName: 'runbook', includeAll: true }))
    .annotation(drillAnnotations())
    .annotation(alertAnnotations('SLO alerts', 'sloth_service="$service"', 'red', 'sloth_severity'))
    .annotation(alertAnnotations('Service alerts', 'service="$service"', 'orange'))
    .withRow(new RowBuilder('Latest drill per runbook'))
    .withPanel(
      stat({
        title: 'Drill running',
        description: 'Whether a drill of the runbook is running now.',
        queries: [{ expr: `max by (runbook) (${METRIC.drillInProgress}${D})`, legend: '{{runbook}}' }],
        w: 4,
        h: 5,
        mappings: [valueText({ '0': { text: 'idle', color: BLUE }, '1': { text: 'running', color: ORANGE } })],
        noValue: 'no drill yet',
      }),
    )
    .withPanel(
      stat({
        title: 'Last status',
        description: 'How the latest drill of each runbook ended (drillbook_drill_status == 1).',
        queries: [{ expr: `${METRIC.drillStatus}${D} == 1`, legend: '{{runbook}}: {{status}}' }],
        w: 6,
        h: 5,
        textMode: BigValueTextMode.Name,
        thresholds: [{ value: null, color: BLUE }],
        noValue: 'no drill yet',
      }),
    )
    .withPanel(
      stat({
        title: 'Score',
        description: 'Scorecard score of the latest drill, 0 to 100.',
        queries: [{ expr: `${METRIC.drillScore}${D}`, legend: '{{runbook}}' }],
        min: 0,
        max: 100,
        w: 5,
        h: 5,
        thresholds: [
          { value: null, color: RED },
          { value: 60, color: ORANGE },
          { value: 80, color: GREEN },
        ],
      }),
    )
    .withPanel(
      stat({
        title: 'Time to detect',
        description: 'From fault injection to the first firing alert (the availability page alert by default).',
        queries: [{ expr: `${METRIC.drillTimeToDetect}${D}`, legend: '{{runbook}}' }],
        unit: 's',
        w: 3,
        h: 5,
        thresholds: [{ value: null, color: BLUE }],
      }),
    )
    .withPanel(
      stat({
        title: 'Time to recover',
        description: 'From fault injection until the SLI was back within target.',
        queries: [{ expr: `${METRIC.drillTimeToRecover}${D}`, legend: '{{runbook}}' }],
        unit: 's',
        w: 3,
        h: 5,
        thresholds: [{ value: null, color: BLUE }],
      }),
    )
    .withPanel(
      stat({
        title: 'Budget consumed',
        description: 'Share of the period error budget the drill consumed.',
        queries: [{ expr: `${METRIC.drillBudgetConsumed}${D}`, legend: '{{runbook}}' }],
        unit: 'percentunit',
        decimals: 2,
        w: 3,
        h: 5,
        thresholds: [
          { value: null, color: GREEN },
          { value: 0.05, color: ORANGE },
          { value: 0.2, color: RED },
        ],
      }),
    )
    .withRow(new RowBuilder('Load and service during drills'))
    .withPanel(
      timeseries({
        title: 'Load: requests per second',
        description: 'Requests to /v1/recommend at the gateway: drill load (synthetic="true") and background shoppers.',
        queries: [{ expr: `sum by (synthetic) (${rate(`${REQUESTS}${recommend()}`)})`, legend: 'synthetic={{synthetic}}' }],
        unit: 'reqps',
        min: 0,
        w: 8,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Latency p95 and p99',
        description: 'Latency of /v1/recommend at the gateway, drill load and shoppers apart.',
        queries: [
          { expr: latencyQuantile(0.95, '', ['synthetic']), legend: 'p95 synthetic={{synthetic}}' },
          { expr: latencyQuantile(0.99, '', ['synthetic']), legend: 'p99 synthetic={{synthetic}}' },
        ],
        unit: 's',
        min: 0,
        w: 8,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Errors per second',
        description: 'Requests answered with 5xx or 429, by status and traffic kind.',
        queries: [
          {
            expr: `sum by (http_response_status_code, synthetic) (${rate(`${REQUESTS}${recommend('http_response_status_code=~"5..|429"')}`)})`,
            legend: '{{http_response_status_code}} synthetic={{synthetic}}',
          },
        ],
        unit: 'reqps',
        min: 0,
        w: 8,
        h: 8,
        noValue: 'no errors',
      }),
    )
    .withPanel(
      timeseries({
        title: 'Degraded share by reason',
        description: 'Share of responses served by the popularity fallback, by reason.',
        queries: [
          {
            expr: `sum by (reason) (${rate(FALLBACK)})\n/ on() group_left()\nsum(${rate(`${REQUESTS}${recommend()}`)})`,
            legend: '{{reason}}',
          },
        ],
        unit: 'percentunit',
        min: 0,
        w: 8,
        h: 8,
        noValue: 'no fallback',
      }),
    )
    .withPanel(
      timeseries({
        title: 'Served ranking quality (mean NDCG@10)',
        description: 'Mean NDCG@10 of served rankings for requests that carry ground truth, by model version.',
        queries: [
          {
            expr: `sum by (version) (${rate(`${METRIC.servedNdcg}_sum${GATEWAY}`)})\n/\nsum by (version) (${rate(`${METRIC.servedNdcg}_count${GATEWAY}`)})`,
            legend: '{{version}}',
          },
        ],
        min: 0,
        max: 1,
        w: 8,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'SLO burn rate (5m)',
        description: 'Current burn rate of each SLO of the service: what the drill costs in error budget.',
        queries: [{ expr: `${SLO_RECORDING.currentBurnRate}{sloth_service="$service"}`, legend: '{{sloth_slo}}' }],
        unit: 'suffix:x',
        min: 0,
        w: 8,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Healthy and ejected upstreams',
        description: 'Upstreams passing the gateway\'s health checks, per zone, and upstreams ejected by outlier detection.',
        queries: [
          { expr: `sum by (zone) (${METRIC.gatewayUpstreamUp}${GATEWAY})`, legend: 'healthy in {{zone}}' },
          { expr: `sum(${METRIC.gatewayUpstreamEjected}${GATEWAY})`, legend: 'ejected' },
        ],
        min: 0,
        decimals: 0,
        w: 8,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Gateway retries and ejections',
        description: 'Requests retried on another upstream (by reason) and outlier ejections, per second.',
        queries: [
          { expr: `sum by (reason) (${rate(`${METRIC.gatewayRetries}${GATEWAY}`)})`, legend: 'retry: {{reason}}' },
          { expr: `sum(${rate(`${METRIC.gatewayEjections}${GATEWAY}`)})`, legend: 'ejections' },
        ],
        unit: 'ops',
        min: 0,
        w: 8,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Active faults',
        description: 'Faults injected in the replicas right now, by type (every fault expires on its own).',
        queries: [{ expr: `sum by (type) (${METRIC.activeFaults}${ALL_REPLICAS})`, legend: '{{type}}' }],
        min: 0,
        decimals: 0,
        w: 8,
        h: 8,
      }),
    )
    .withRow(new RowBuilder('Scorecard history'))
    .withPanel(
      timeseries({
        title: 'Score per runbook',
        description: 'Score of the latest drill of each runbook over time.',
        queries: [{ expr: `${METRIC.drillScore}${D}`, legend: '{{runbook}}' }],
        min: 0,
        max: 100,
        w: 12,
        h: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Time to detect and to recover',
        description: 'Detection and recovery times of the latest drill of each runbook over time.',
        queries: [
          { expr: `${METRIC.drillTimeToDetect}${D}`, legend: '{{runbook}} detect' },
          { expr: `${METRIC.drillTimeToRecover}${D}`, legend: '{{runbook}} recover' },
        ],
        unit: 's',
        min: 0,
        w: 12,
        h: 8,
      }),
    )
    .build();
}
