/**
 * Golden tests of the generator, in the style of Sloth's testdata: each case reads
 * `__fixtures__/golden/in-<case>.yaml` and must produce exactly `out-<case>.yaml`. Run with
 * UPDATE_GOLDEN=1 to rewrite the outputs after an intended change, then review the diff.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sloRuleGroups } from './generate.js';
import { toYaml } from './output/yaml.js';
import { parseSloSpecs } from './spec/loadSpecs.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'golden');

const cases: Record<string, string> = {
  'an availability SLO excludes synthetic traffic from both sides of its ratio and carries its labels everywhere': 'availability',
  'a latency SLO counts requests in its threshold bucket as good, over a 28-day period, with its own minimum traffic': 'latency',
  'a bad-over-total SLO that includes synthetic traffic divides bad events by all events': 'degraded',
};

describe('generated rules match the golden files', () => {
  for (const [name, id] of Object.entries(cases)) {
    it(name, async () => {
      const input = await readFile(path.join(dir, `in-${id}.yaml`), 'utf8');
      const [slo] = parseSloSpecs([{ file: `in-${id}.yaml`, text: input }]);
      const got = toYaml({ groups: sloRuleGroups(slo) }, [`# golden output of in-${id}.yaml`]);
      const outPath = path.join(dir, `out-${id}.yaml`);
      if (process.env.UPDATE_GOLDEN) await writeFile(outPath, got);
      expect(got).toBe(await readFile(outPath, 'utf8'));
    });
  }
});
