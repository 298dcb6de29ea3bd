/**
 * Detection in every drill: each runbook names the alerts that should catch its fault, and each of
 * those is a rule the team actually deploys (alerts/generated), at the severity the runbook says.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ALERT_DRILLS, generatedRuleFiles, type AlertName } from '@drillbook/alerts';
import { loadRunbook, runbookFiles } from '@drillbook/drill-controller';

const DIR = import.meta.dirname;
const suite = runbookFiles([DIR]).map((f) => loadRunbook(f).runbook);

/** Every generated alert name with the severities its rules carry (`sloth_severity` or `severity`). */
function generatedAlerts(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of generatedRuleFiles()) {
    const doc = parse(readFileSync(f, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; labels?: Record<string, string> }> }> };
    for (const r of doc.groups.flatMap((g) => g.rules)) {
      if (!r.alert) continue;
      const sev = r.labels?.sloth_severity ?? r.labels?.severity ?? '';
      out.set(r.alert, (out.get(r.alert) ?? new Set()).add(sev));
    }
  }
  return out;
}
const ALERTS = generatedAlerts();

describe('expected alerts of the game-day suite', () => {
  it('reads the generated alerts (the check below is not vacuous)', () => {
    expect(ALERTS.get('RecsysAvailabilityBurnRate')).toEqual(new Set(['page', 'ticket']));
    expect(ALERTS.get('RecsysModelLoadFailed')).toEqual(new Set(['ticket']));
  });

  it.each(suite.map((r) => [r.metadata.name, r] as const))('%s names at least one expected alert, each one a generated rule at that severity', (name, rb) => {
    const e = rb.expectedAlerts;
    const named = [...(e?.page ?? []).map((a) => [a, 'page'] as const), ...(e?.ticket ?? []).map((a) => [a, 'ticket'] as const)];
    expect(named.length, `${name}: expectedAlerts`).toBeGreaterThanOrEqual(1);
    for (const [alert, sev] of named) {
      expect(ALERTS.has(alert), `${name}: ${alert} is not in alerts/generated`).toBe(true);
      expect([...ALERTS.get(alert)!], `${name}: ${alert} has no ${sev} rule`).toContain(sev);
    }
  });

  it.each(suite.map((r) => [r.metadata.name, r] as const))('%s requires detection: an undetected_impact objective with a bound', (name, rb) => {
    const o = rb.objectives.find((x) => x.sli === 'undetected_impact');
    expect(o, `${name}: undetected_impact objective`).toBeTruthy();
    expect(o).toMatchObject({ op: '<=', target: 0 });
    expect(o!.within).toMatch(/^\d+m$/);
  });

  it.each(suite.map((r) => [r.metadata.name, r] as const))('%s expects only alerts whose on-call section lists this drill (ALERT_DRILLS)', (name, rb) => {
    for (const alert of new Set([...(rb.expectedAlerts?.page ?? []), ...(rb.expectedAlerts?.ticket ?? [])])) {
      expect(ALERT_DRILLS[alert as AlertName], `${alert} in ALERT_DRILLS`).toContain(name);
    }
  });
});
