/**
 * The drill controller's own alert: the last drill of a runbook ended `aborted`. The controller
 * exports `drillbook_drill_status{service, runbook, status}` = 1 for the status the runbook's latest
 * drill ended with (and 0 or nothing for the others), so the alert stays active until that runbook
 * runs again and ends otherwise.
 */
import { METRIC } from '@drillbook/contracts';
import { ALERTS } from '../../alertNames.js';
import { runbookUrl } from '../runbook.js';
import type { PlatformAlert } from './types.js';

/** The `status` label value that means aborted (one of DRILL_STATUSES). */
export const ABORTED_STATUS = 'aborted';

export function drillAborted(runbookBase: string, controllerJob: string): PlatformAlert {
  const status = (runbook: string, s: string) =>
    `${METRIC.drillStatus}{job="${controllerJob}",instance="127.0.0.1:7070",service="recsys-reference",runbook="${runbook}",status="${s}"}`;
  return {
    rule: {
      alert: ALERTS.drillAborted,
      expr: `${METRIC.drillStatus}{status="${ABORTED_STATUS}"} == 1\n`,
      labels: { severity: 'ticket' },
      annotations: {
        summary: `The last {{ $labels.runbook }} drill against {{ $labels.service }} was aborted.`,
        description:
          `Drillbook aborted the latest {{ $labels.runbook }} drill against {{ $labels.service }}: a guardrail tripped, an operator ` +
          `aborted it, or it ran past its maximum duration. Load was stopped, faults cleared and rollbacks run; read the drill's ` +
          `journal and scorecard before running it again. The alert clears when the runbook's next drill ends otherwise.`,
        runbook_url: runbookUrl(ALERTS.drillAborted, runbookBase),
      },
    },
    cases: [
      {
        name: 'an aborted drill fires for its service and runbook, a passed one does not',
        series: [
          { series: status('zone-loss', 'aborted'), values: '0 1x10' },
          { series: status('zone-loss', 'passed'), values: '0x11' },
          { series: status('overload', 'aborted'), values: '0x11' },
          { series: status('overload', 'passed'), values: '1x11' },
        ],
        checks: [
          { at: '0m', firing: [] },
          {
            at: '2m',
            firing: [
              {
                labels: { job: controllerJob, instance: '127.0.0.1:7070', service: 'recsys-reference', runbook: 'zone-loss', status: 'aborted' },
                value: 1,
              },
            ],
          },
        ],
      },
    ],
  };
}
