/**
 * The generator pipeline: SLO models -> ordered processors (SLI recordings, metadata recordings,
 * burn-rate alerts, then each service's platform alerts) -> rule files, plus the promtool test
 * files that prove the alerts behave. Pure: returns file contents, writes nothing.
 */
import path from 'node:path';
import { ALERTS_CONFIG, SCRAPE_JOBS, SERVICE_ALERT_CONFIGS, type ServiceAlertConfig } from './config.js';
import { GENERATOR, stamp, toYaml } from './output/yaml.js';
import type { GeneratedFile } from './output/writeFiles.js';
import { slothSpec, slothSpecNotes } from './output/slothSpec.js';
import { platformTestGroups } from './promtool/platformTests.js';
import { burnRateTableComment, sloTestGroups } from './promtool/sloTests.js';
import type { PromtoolTestFile, TestGroup } from './promtool/testFile.js';
import { burnRateAlertGroup } from './rules/burnRateAlerts.js';
import { metaRecordingGroup } from './rules/metaRecordings.js';
import { drillbookAlerts, serviceAlerts, type PlatformAlert } from './rules/platform/index.js';
import { checkRunbookBase } from './rules/runbook.js';
import { sliEventsGroup, sliRecordingGroup } from './rules/sliRecordings.js';
import type { RuleFile, RuleGroup } from './rules/types.js';
import type { SloModel } from './spec/model.js';

export interface GenerateOptions {
  /** Absolute base URL of `runbook_url` annotations (default: `ALERTS_CONFIG.runbookBaseUrl`). */
  runbookBase?: string;
  /** Non-SLO alert settings by service (default: `SERVICE_ALERT_CONFIGS`). */
  services?: Readonly<Record<string, ServiceAlertConfig>>;
  /** How the spec directory is named in file stamps (default `alerts/slos`). */
  specsLabel?: string;
}


export const DRILLBOOK_RULES = 'drillbook.rules.yaml';
/** One rule file per SLO spec, as Sloth writes them, and one for the service's platform alerts. */
export const sloRulesFile = (slo: SloModel): string => `${slo.service}/${slo.name}.rules.yaml`;
export const platformRulesFile = (service: string): string => `${service}/platform.rules.yaml`;
/** Sloth's own spec of a service's SLOs, for teams that run real Sloth. */
export const slothSpecFile = (service: string): string => `sloth/${service}.yaml`;

/**
 * The three Sloth groups of one SLO (SLI recordings, metadata recordings, alerts) as Sloth writes
 * them, then Drillbook's SLI events group (dashboards and the opt-in minimum-traffic gate read it).
 */
export function sloRuleGroups(slo: SloModel, runbookBase: string = ALERTS_CONFIG.runbookBaseUrl): RuleGroup[] {
  return [sliRecordingGroup(slo), metaRecordingGroup(slo), burnRateAlertGroup(slo, runbookBase), sliEventsGroup(slo)];
}

function platformGroup(name: string, alerts: readonly PlatformAlert[]): RuleGroup {
  return { name, rules: alerts.map((a) => a.rule) };
}

function testFile(rulesFile: string, rules: RuleFile, groups: TestGroup[]): PromtoolTestFile {
  return {
    rule_files: [path.posix.relative('tests', rulesFile)],
    evaluation_interval: '1m',
    group_eval_order: rules.groups.map((g) => g.name),
    tests: groups,
  };
}

function byService(models: readonly SloModel[]): Map<string, SloModel[]> {
  const out = new Map<string, SloModel[]>();
  for (const m of models) out.set(m.service, [...(out.get(m.service) ?? []), m]);
  return out;
}

export function generate(models: readonly SloModel[], opts: GenerateOptions = {}): GeneratedFile[] {
  const runbookBase = checkRunbookBase(opts.runbookBase ?? ALERTS_CONFIG.runbookBaseUrl);
  const services = opts.services ?? SERVICE_ALERT_CONFIGS;
  const specsLabel = opts.specsLabel ?? 'alerts/slos';
  const files: GeneratedFile[] = [];

  for (const [service, slos] of byService(models)) {
    for (const slo of slos) {
      const rulesFile = sloRulesFile(slo);
      const rules: RuleFile = { groups: sloRuleGroups(slo, runbookBase) };
      files.push({
        path: rulesFile,
        content: toYaml(rules, [
          stamp(`${specsLabel}/${slo.file}`),
          `# Sloth-compatible recording rules and multiwindow multi-burn-rate alerts of the ${slo.id} SLO.`,
        ]),
      });
      files.push({
        path: `tests/${slo.service}-${slo.name}.test.yaml`,
        content: toYaml(testFile(rulesFile, rules, sloTestGroups(slo, runbookBase)), [
          stamp(`${specsLabel}/${slo.file}`),
          `# promtool behaviour tests of the ${slo.id} burn-rate alerts (${burnRateTableComment()}).`,
          '# npm run test:rules runs every test file with promtool.',
        ]),
      });
    }
    files.push({
      path: slothSpecFile(service),
      content: toYaml(slothSpec(service, slos, runbookBase), [stamp(slos.map((s) => `${specsLabel}/${s.file}`).join(', ')), ...slothSpecNotes(slos)]),
    });
    const cfg = services[service];
    if (!cfg) continue;
    const platform = serviceAlerts(cfg, runbookBase);
    const rulesFile = platformRulesFile(service);
    const rules: RuleFile = { groups: [platformGroup(`drillbook-${service}-platform`, platform)] };
    files.push({
      path: rulesFile,
      content: toYaml(rules, [stamp(`${GENERATOR}/src/rules/platform`), `# Platform alerts of ${service}: serving, topology, accelerators, input drift.`]),
    });
    files.push({
      path: `tests/${service}-platform.test.yaml`,
      content: toYaml(testFile(rulesFile, rules, platformTestGroups(platform)), [
        stamp(`${GENERATOR}/src/rules/platform`),
        `# promtool behaviour tests of the ${service} platform alerts.`,
      ]),
    });
  }

  const drillbook = drillbookAlerts(runbookBase, SCRAPE_JOBS.controller);
  const drillbookRules: RuleFile = { groups: [platformGroup('drillbook-drills', drillbook)] };
  files.push({
    path: DRILLBOOK_RULES,
    content: toYaml(drillbookRules, [
      stamp(`${GENERATOR}/src/rules/platform/drills.ts`),
      '# Alerts on the drill controller itself.',
    ]),
  });
  files.push({
    path: 'tests/drillbook.test.yaml',
    content: toYaml(testFile(DRILLBOOK_RULES, drillbookRules, platformTestGroups(drillbook)), [
      stamp(`${GENERATOR}/src/rules/platform/drills.ts`),
      '# promtool behaviour tests of the drill controller alerts.',
    ]),
  });
  return files;
}
