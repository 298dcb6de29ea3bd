/**
 * The gateway's canary analysis rolled a candidate model back. The rollback protects users (the bad
 * version stops serving), but a candidate that ranks badly or errors is something the model's owners
 * must hear about: nothing else pages for it once traffic is back on the previous version, and the
 * next deploy of the same model would fail the same way. The gateway creates
 * `gateway_canary_decisions_total{decision}` at 0 for every decision when it starts (see counted.ts).
 */
import { METRIC } from '@drillbook/contracts';
import { ALERTS } from '../../alertNames.js';
import type { ServiceAlertConfig } from '../../config.js';
import { runbookUrl } from '../runbook.js';
import { countedCases, countedIn10m } from './counted.js';
import type { PlatformAlert } from './types.js';

export function canaryRolledBack(cfg: ServiceAlertConfig, runbookBase: string): PlatformAlert {
  const sel = `${METRIC.gatewayCanaryDecisions}{job="${cfg.jobs.gateway}",decision="rollback"}`;
  const series = `${METRIC.gatewayCanaryDecisions}{job="${cfg.jobs.gateway}",instance="127.0.0.1:8080",decision="rollback"}`;
  const promote = `${METRIC.gatewayCanaryDecisions}{job="${cfg.jobs.gateway}",instance="127.0.0.1:8080",decision="promote"}`;
  const labels = { job: cfg.jobs.gateway, instance: '127.0.0.1:8080' };
  const up = { series: `up{job="${cfg.jobs.gateway}",instance="127.0.0.1:8080"}`, values: '1x40' };
  return {
    rule: {
      alert: ALERTS.canaryRolledBack,
      expr: countedIn10m(sel, ['job', 'instance']),
      labels: { severity: 'ticket', service: cfg.service },
      annotations: {
        summary: `The ${cfg.service} gateway rolled a canary model back.`,
        description:
          `{{ $labels.instance }}'s canary analysis rolled a candidate model version back in the last 10 minutes: the candidate ` +
          `served worse (errors, latency or ranking quality) than the stable version on its share of traffic. Users are back on ` +
          `the stable version; find out why the candidate was worse before deploying it again.`,
        runbook_url: runbookUrl(ALERTS.canaryRolledBack, runbookBase),
      },
    },
    cases: [
      ...countedCases({
        series,
        up: up.series,
        labels,
        first: 'the first rollback',
        firstSeen: 'a gateway that first shows a rollback series at its first rollback',
        old: 'an old rollback',
        beside: [{ series: promote, values: '0x40' }],
      }),
      {
        name: 'a later rollback fires again; promotions never do',
        series: [
          up,
          { series: promote, values: '1x20 2x20' },
          { series, values: '1x20 2x20' },
        ],
        checks: [
          { at: '18m', firing: [] },
          { at: '22m', firing: [{ labels, value: 1 }] },
        ],
      },
    ],
  };
}
