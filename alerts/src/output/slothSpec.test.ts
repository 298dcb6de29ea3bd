/**
 * The committed Sloth export (alerts/generated/sloth/<service>.yaml) is a Sloth `prometheus/v1`
 * spec that makes real Sloth produce what Drillbook generates: SLO names are Drillbook's sloth_slo,
 * objectives in percent, each raw error-ratio query with Sloth's {{.window}} becomes, at every alert
 * window, exactly the expression Drillbook records, and the alert name is the same.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GENERATED_DIR, SLOS_DIR } from '../generatedFiles.js';
import { slothSpecFile, sloRulesFile } from '../generate.js';
import type { RecordingRule, RuleFile } from '../rules/types.js';
import { loadSloSpecs } from '../spec/loadSpecs.js';
import type { SlothSpec } from './slothSpec.js';

describe('the Sloth prometheus/v1 export', () => {
  it('lists every SLO of the service under the name, objective and alert name Drillbook generates', async () => {
    const slos = await loadSloSpecs(SLOS_DIR);
    const spec = parse(await readFile(path.join(GENERATED_DIR, slothSpecFile('recsys-reference')), 'utf8')) as SlothSpec;
    expect(spec.version).toBe('prometheus/v1');
    expect(spec.service).toBe('recsys-reference');
    expect(spec.slos.map((s) => s.name)).toEqual(slos.map((s) => s.slothSlo));
    for (const slo of slos) {
      const exported = spec.slos.find((s) => s.name === slo.slothSlo)!;
      expect(exported.objective).toBeCloseTo(slo.objective * 100, 9);
      expect(exported.labels).toEqual(slo.labels);
      expect(exported.alerting.name).toBe(`${slo.alertPrefix}BurnRate`);
      expect(exported.alerting.annotations.runbook_url).toMatch(/^https:\/\/.+#/);
    }
  });

  it('gives Sloth a raw error-ratio query that, per window, is the expression Drillbook records', async () => {
    const slos = await loadSloSpecs(SLOS_DIR);
    const spec = parse(await readFile(path.join(GENERATED_DIR, slothSpecFile('recsys-reference')), 'utf8')) as SlothSpec;
    for (const slo of slos) {
      const query = spec.slos.find((s) => s.name === slo.slothSlo)!.sli.raw.error_ratio_query;
      expect(query).toContain('{{.window}}');
      const rules = parse(await readFile(path.join(GENERATED_DIR, sloRulesFile(slo)), 'utf8')) as RuleFile;
      const recordings = rules.groups[0].rules as RecordingRule[];
      for (const r of recordings.filter((x) => !x.expr.startsWith('sum_over_time'))) {
        expect(query.replaceAll('{{.window}}', r.labels!.sloth_window), `${slo.slothSlo} ${r.record}`).toBe(r.expr);
      }
    }
  });
});
