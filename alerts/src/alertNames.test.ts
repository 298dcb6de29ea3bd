/**
 * The alert names exported as ALERTS, the generated rule files and the on-call document agree:
 * every generated alert is in ALERTS (and back); an SLO alert is one name with a page and a ticket
 * rule (`sloth_severity`), a platform alert one rule with `severity`; each carries title (SLO),
 * summary, description and an absolute runbook_url whose anchor is a section of
 * runbooks/on-call.md naming the drills that exercise it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALERT_DRILLS, ALERTS, DRILLS, SLO_ALERTS } from './alertNames.js';
import { ALERTS_CONFIG } from './config.js';
import { generatedRuleFiles } from './generatedFiles.js';
import { headingSlug } from './rules/runbook.js';
import { isAlertingRule, type AlertingRule, type RuleFile } from './rules/types.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function generatedAlerts(): Promise<AlertingRule[]> {
  const files = await Promise.all(generatedRuleFiles().map(async (f) => parse(await readFile(f, 'utf8')) as RuleFile));
  return files.flatMap((f) => f.groups.flatMap((g) => g.rules.filter(isAlertingRule)));
}

/** `## Heading` -> section text, keyed by GitHub anchor. */
async function onCallSections(): Promise<Map<string, string>> {
  const text = await readFile(path.join(repo, 'runbooks', 'on-call.md'), 'utf8');
  const sections = new Map<string, string>();
  for (const part of text.split(/^## /m).slice(1)) {
    const [heading, ...body] = part.split('\n');
    sections.set(headingSlug(heading), body.join('\n'));
  }
  return sections;
}

describe('alert names, generated rules and the on-call document', () => {
  it('generate exactly the alerts listed in ALERTS: SLO alerts once per sloth_severity, platform alerts once', async () => {
    const alerts = await generatedAlerts();
    expect([...new Set(alerts.map((a) => a.alert))].sort()).toEqual(Object.values(ALERTS).sort());
    for (const name of SLO_ALERTS) {
      const rules = alerts.filter((a) => a.alert === name);
      expect(rules.map((r) => r.labels?.sloth_severity), name).toEqual(['page', 'ticket']);
      expect(rules.every((r) => r.labels?.severity === undefined), `${name} has no severity label (Sloth has none)`).toBe(true);
    }
    const platform = alerts.filter((a) => !SLO_ALERTS.includes(a.alert as (typeof SLO_ALERTS)[number]));
    expect(new Set(platform.map((a) => a.alert)).size).toBe(platform.length);
  });

  it('give every alert a severity, a summary, a description and an absolute runbook_url', async () => {
    for (const a of await generatedAlerts()) {
      expect(['page', 'ticket'], a.alert).toContain(a.labels?.sloth_severity ?? a.labels?.severity);
      if (a.labels?.sloth_severity) expect(a.annotations?.title, a.alert).toBe(`(${a.labels.sloth_severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
      expect(a.annotations?.runbook_url, a.alert).toBe(`${ALERTS_CONFIG.runbookBaseUrl}#${a.alert.toLowerCase()}`);
      expect(new URL(a.annotations!.runbook_url).protocol).toBe('https:');
    }
  });

  it('point every runbook_url at a section of the on-call document that names the drills exercising the alert', async () => {
    const sections = await onCallSections();
    for (const a of await generatedAlerts()) {
      const anchor = a.annotations!.runbook_url.split('#')[1];
      const section = sections.get(anchor);
      expect(section, `runbooks/on-call.md has no section for #${anchor}`).toBeDefined();
      expect(section).toMatch(/\*\*What it means\.\*\*/);
      expect(section).toMatch(/\*\*First checks\.\*\*/);
      expect(section).toMatch(/\*\*Drills that exercise it\.\*\*/);
      for (const drill of ALERT_DRILLS[a.alert as keyof typeof ALERT_DRILLS]) expect(section, `${a.alert} -> ${drill}`).toContain(drill);
    }
  });

  it('have a section in the on-call document for no alert that does not exist', async () => {
    const anchors = new Set(Object.values(ALERTS).map(headingSlug));
    expect([...(await onCallSections()).keys()].filter((k) => !anchors.has(k))).toEqual([]);
  });

  it('leave no drill without an alert it is expected to fire', () => {
    const exercised = new Set(Object.values(ALERT_DRILLS).flat());
    expect(DRILLS.filter((d) => !exercised.has(d))).toEqual([]);
  });
});
