import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStackConfig, type EmbeddedStackSpec } from '@drillbook/contracts';
import { referenceStackAdapter } from './adapter.js';
import type { DrillRunner } from './drills.js';
import { tuneTerminalSummary, writeTuneOutputs } from './report.js';
import { parseTuneSpace } from './space.js';
import { runTune, type Measurer } from './tune.js';

const dir = mkdtempSync(join(tmpdir(), 'drillbook-tune-variant-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the reference adapter's model variant knob", () => {
  it('maps modelVariant onto stack.model.variant, on top of the base and beside the other knobs', () => {
    const c = referenceStackAdapter.configOf({ maxBatch: 8, modelVariant: 'int8' }, { replicas: 2, replica: { batchMs: 25 } });
    expect(c).toEqual({ shoppers: false, replicas: 2, replica: { batchMs: 25, maxBatch: 8 }, model: { variant: 'int8' } });
  });

  it('leaves the model alone when the space does not search it, and a base variant stands', () => {
    expect(referenceStackAdapter.configOf({ maxBatch: 8 }, undefined).model).toBeUndefined();
    expect(referenceStackAdapter.configOf({ maxBatch: 8 }, { model: { variant: 'fp16' } }).model).toEqual({ variant: 'fp16' });
    expect(referenceStackAdapter.configOf({ modelVariant: 'int8' }, { model: { variant: 'fp16' } }).model).toEqual({ variant: 'int8' });
  });

  it('lists fp32 as the default variant', () => {
    expect(referenceStackAdapter.defaults().modelVariant).toBe('fp32');
  });

  it('a tune whose winner is the int8 variant writes it into recommended.json, which the stack config reader accepts, and shows it in the table', async () => {
    const space = parseTuneSpace(
      { apiVersion: 'drillbook.dev/v1', kind: 'TuneSpace', base: { replica: { batchMs: 25 } }, knobs: { maxBatch: { values: [2, 4] }, modelVariant: { values: ['fp32', 'int8'] } }, default: { maxBatch: 2 }, search: { finalists: 1 } },
      'space.yaml',
    );
    // Synthetic target: the int8 variant scores faster, so it holds a higher rate.
    const measure: Measurer = async ({ config }) => {
      const s = config as EmbeddedStackSpec;
      const rps = (s.replica!.maxBatch ?? 1) * 50 * (s.model?.variant === 'int8' ? 1.5 : 1);
      return { compliantRps: rps, p99Ms: 100, steps: [], warmupNdcg10: 0.3, durationS: 1 };
    };
    const drill: DrillRunner = async ({ runbook }) => ({ runbook, status: 'passed', score: 100, statusReason: 'every objective met', missed: [] });
    const r = await runTune({ space, budgetMin: 10, outDir: dir, measure, drill });
    const files = writeTuneOutputs(r, dir, space.adapter);
    const rec = parseStackConfig(readFileSync(files.recommended, 'utf8'), files.recommended);
    expect(rec.spec.model).toEqual({ variant: 'int8' });
    expect(rec.spec.replica?.maxBatch).toBe(4);
    const table = tuneTerminalSummary(r, files);
    expect(table).toMatch(/maxBatch=4 modelVariant=int8 +300 /);
    expect(table).toMatch(/maxBatch=2 modelVariant=fp32 \(default\)/);
    expect(readFileSync(files.report, 'utf8')).toContain('<code>maxBatch=4 modelVariant=int8</code>');
  });
});

describe("the reference adapter's inference workers knob", () => {
  it('maps inferenceWorkers onto stack.replica.ortWorkers, defaults to one, and the stack config reader takes it back', () => {
    const c = referenceStackAdapter.configOf({ maxBatch: 64, inferenceWorkers: 2 }, { replica: { batchMs: 25 } });
    expect(c.replica).toEqual({ batchMs: 25, maxBatch: 64, ortWorkers: 2 });
    expect(referenceStackAdapter.defaults().inferenceWorkers).toBe(1);
    const file = referenceStackAdapter.configFile(c, {}) as object;
    expect(parseStackConfig(JSON.stringify(file), 'recommended.json').spec.replica?.ortWorkers).toBe(2);
  });

  it('is refused outside 1..16 by the stack config reader, naming the field', () => {
    const file = referenceStackAdapter.configFile(referenceStackAdapter.configOf({ inferenceWorkers: 17 }, undefined), {}) as object;
    expect(() => parseStackConfig(JSON.stringify(file), 'recommended.json')).toThrow(/ortWorkers/);
  });
});
