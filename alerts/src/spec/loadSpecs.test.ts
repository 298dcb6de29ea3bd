/**
 * A bad SLO spec is refused with every problem located: file, line, column and field path. Each
 * case reads `__fixtures__/invalid/in-<case>.yaml` and expects exactly `out-<case>.txt`
 * (UPDATE_GOLDEN=1 rewrites them).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidSloSpec } from '../errors.js';
import { loadSloSpecs, parseSloSpecs } from './loadSpecs.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');
const dir = path.join(root, 'invalid');

const cases: Record<string, string> = {
  'a latency threshold that is not a histogram bucket is refused at its query, listing the buckets': 'off-bucket',
  'a threshold spelled differently from the exposed bucket label is refused': 'bucket-spelling',
  'op and value on the objective of a ratioMetric SLI are refused (OpenSLO allows them on threshold SLIs only)': 'op-value-on-ratio',
  'a query of another shape is refused with the position of the problem': 'query-shape',
  'an unknown field is refused at its key, listing the allowed fields': 'unknown-field',
  'an objective without a target is refused at the objective': 'missing-target',
  'a target of 100% is refused because it leaves no error budget': 'target-one',
  'excluding synthetic traffic from a counter that has no synthetic label is refused': 'synthetic-without-label',
  'an SLI with both good and bad queries is refused': 'good-and-bad',
  'a YAML syntax error is reported at its line': 'yaml-syntax',
  'bad Drillbook annotations are each refused with what is expected': 'bad-annotations',
};

async function problemsOf(id: string): Promise<string> {
  const text = await readFile(path.join(dir, `in-${id}.yaml`), 'utf8');
  try {
    parseSloSpecs([{ file: `in-${id}.yaml`, text }]);
  } catch (err) {
    if (err instanceof InvalidSloSpec) return `${err.message}\n`;
    throw err;
  }
  throw new Error(`in-${id}.yaml was accepted`);
}

describe('invalid SLO specs are refused with located errors', () => {
  for (const [name, id] of Object.entries(cases)) {
    it(name, async () => {
      const got = await problemsOf(id);
      const outPath = path.join(dir, `out-${id}.txt`);
      if (process.env.UPDATE_GOLDEN) await writeFile(outPath, got);
      expect(got).toBe(await readFile(outPath, 'utf8'));
    });
  }
});

describe('loading a directory of specs', () => {
  it('reports problems from every file together and generates from none of them', async () => {
    const err = await loadSloSpecs(dir, root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSloSpec);
    const files = new Set((err as InvalidSloSpec).problems.map((p) => p.file));
    expect(files.size).toBe(Object.keys(cases).length);
    expect([...files].every((f) => f.startsWith('invalid/in-'))).toBe(true);
  });

  it('refuses the same SLO defined twice, naming the first file', () => {
    const text = `apiVersion: openslo/v1
kind: SLO
metadata: { name: availability }
spec:
  service: checkout
  indicator:
    metadata: { name: a }
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(http_server_request_duration_seconds_count{code="200"}[{{.window}}]))' } } }
        total: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(http_server_request_duration_seconds_count[{{.window}}]))' } } }
  timeWindow: [{ duration: 30d, isRolling: true }]
  budgetingMethod: Occurrences
  objectives: [{ target: 0.99 }]
`;
    expect(() => parseSloSpecs([{ file: 'a.yaml', text }, { file: 'b.yaml', text }])).toThrow(
      /b\.yaml:3:\d+: metadata\.name: SLO "availability" of service "checkout" is already defined in a\.yaml/,
    );
  });

  it('loads the committed reference specs without a problem, with sloth ids suffixed by the objective index as Sloth does for OpenSLO', async () => {
    const models = await loadSloSpecs(path.join(root, '..', '..', 'slos'));
    expect(models.map((m) => m.id).sort()).toEqual(['recsys-reference-availability', 'recsys-reference-degraded-serving', 'recsys-reference-latency']);
    expect(models.map((m) => m.slothId).sort()).toEqual([
      'recsys-reference-availability-0',
      'recsys-reference-degraded-serving-0',
      'recsys-reference-latency-0',
    ]);
    expect(models.map((m) => m.slothSlo).sort()).toEqual(['availability-0', 'degraded-serving-0', 'latency-0']);
    // Sloth-compatible by default: none of them opts into the minimum-traffic gate.
    expect(models.map((m) => m.minEventsPerSecond)).toEqual([null, null, null]);
  });
});
