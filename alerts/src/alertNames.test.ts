/**
 * The alert names exported as ALERTS, the generated rule files and the on-call document agree:
 * every generated alert is in ALERTS (and back), carries severity, summary, description and a
 * runbook_url whose anchor is a section of runbooks/on-call.md naming the drills that exercise it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALERT_DRILLS, ALERTS, DRILLS } from './alertNames.js';
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
  it('generate exactly the alerts listed in ALERTS, each once', async () => {
    const names = (await generatedAlerts()).map((a) => a.alert);
    expect([...names].sort()).toEqual(Object.values(ALERTS).sort());
  });

  it('give every alert a severity, a summary, a description and a runbook_url', async () => {
    for (const a of await generatedAlerts()) {
      expect(['page', 'ticket'], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
      expect(a.annotations?.runbook_url, a.alert).toMatch(/^runbooks\/on-call\.md#/);
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
