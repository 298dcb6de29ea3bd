/** Topology alerts from the gateway's health checks: one upstream down, or a whole zone down. */
import { METRIC } from '@drillbook/contracts';
import { ALERTS } from '../../alertNames.js';
import type { ServiceAlertConfig } from '../../config.js';
import { runbookUrl } from '../runbook.js';
import type { PlatformAlert } from './types.js';

function upstream(cfg: ServiceAlertConfig, name: string, zone: string): string {
  return `${METRIC.gatewayUpstreamUp}{job="${cfg.jobs.gateway}",instance="127.0.0.1:8080",upstream="${name}",zone="${zone}"}`;
}

export function upstreamDown(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  return {
    rule: {
      alert: ALERTS.upstreamDown,
      expr: `${METRIC.gatewayUpstreamUp}{job="${cfg.jobs.gateway}"} == 0\n`,
      for: cfg.upstreamDown.for,
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `${cfg.service} upstream {{ $labels.upstream }} in {{ $labels.zone }} fails the gateway's health checks.`,
        description:
          `The gateway has seen {{ $labels.upstream }} (zone {{ $labels.zone }}) down for ${cfg.upstreamDown.for}: it gets no traffic, ` +
          `the other replicas carry its load and the service runs with less redundancy.`,
        runbook_url: runbookUrl(ALERTS.upstreamDown, runbookBase),
      },
    },
    cases: [
      {
        name: 'an upstream failing health checks fires once it has been down for the hold time',
        series: [
          { series: upstream(cfg, 'r1', 'zone-a'), values: '1 1 0x10' },
          { series: upstream(cfg, 'r2', 'zone-a'), values: '1x12' },
        ],
        checks: [
          { at: '2m', firing: [] },
          { at: '5m', firing: [{ labels: { job: cfg.jobs.gateway, instance: '127.0.0.1:8080', upstream: 'r1', zone: 'zone-a' }, value: 0 }] },
        ],
      },
      {
        name: 'an upstream that recovers within the hold time does not fire',
        series: [{ series: upstream(cfg, 'r1', 'zone-a'), values: '1 0 1x10' }],
        checks: [{ at: '5m', firing: [] }],
      },
    ],
  };
}

export function zoneDown(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  return {
    rule: {
      alert: ALERTS.zoneDown,
      expr: `sum by (zone) (${METRIC.gatewayUpstreamUp}{job="${cfg.jobs.gateway}"}) == 0\n`,
      for: cfg.upstreamDown.for,
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `Every ${cfg.service} upstream in zone {{ $labels.zone }} is down.`,
        description:
          `No replica of zone {{ $labels.zone }} passes the gateway's health checks: the service survives on the other zones only. ` +
          `Another zone failure would take it down.`,
        runbook_url: runbookUrl(ALERTS.zoneDown, runbookBase),
      },
    },
    cases: [
      {
        name: 'a zone whose every upstream is down fires, a zone with one upstream left does not',
        series: [
          { series: upstream(cfg, 'r1', 'zone-a'), values: '1 0x10' },
          { series: upstream(cfg, 'r2', 'zone-a'), values: '1 0x10' },
          { series: upstream(cfg, 'r3', 'zone-b'), values: '1 0x10' },
          { series: upstream(cfg, 'r4', 'zone-b'), values: '1x11' },
        ],
        checks: [{ at: '5m', firing: [{ labels: { zone: 'zone-a' }, value: 0 }] }],
      },
    ],
  };
}
