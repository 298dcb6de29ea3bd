/** promtool test groups for the non-SLO alerts, from the cases each alert declares. */
import type { PlatformAlert } from '../rules/platform/types.js';
import { renderTemplate } from './template.js';
import type { TestGroup } from './testFile.js';

export function platformTestGroups(alerts: readonly PlatformAlert[]): TestGroup[] {
  return alerts.flatMap(({ rule, cases }) =>
    cases.map((c) => ({
      name: `${rule.alert}: ${c.name}`,
      interval: '1m',
      input_series: c.series,
      alert_rule_test: c.checks.map((check) => ({
        eval_time: check.at,
        alertname: rule.alert,
        exp_alerts: check.firing.map((f) => ({
          exp_labels: { ...f.labels, ...rule.labels },
          exp_annotations: Object.fromEntries(
            Object.entries(rule.annotations ?? {}).map(([k, v]) => [k, renderTemplate(v, f.labels, f.value)]),
          ),
        })),
      })),
    })),
  );
}
